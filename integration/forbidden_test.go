package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
)

// access is what RBAC authorizes a resource request by: its verb, API group and resource
// (with "/subresource" when there is one).
type access struct {
	Verb     string
	Group    string
	Resource string
}

// String reads like a Role's rule: "list secrets", "patch deployments.apps".
func (a access) String() string {
	if a.Group == "" {
		return a.Verb + " " + a.Resource
	}
	return a.Verb + " " + a.Resource + "." + a.Group
}

// requestInfo tells the verb and resource of a request as the API server's RBAC authorizer
// sees them (get or list, watch, create, update, patch, delete, deletecollection).
var requestInfo = &request.RequestInfoFactory{
	APIPrefixes:          sets.NewString("api", "apis"),
	GrouplessAPIPrefixes: sets.NewString("api"),
}

// accessOf returns req's access; ok is false for a request that is not about a resource
// (discovery, /version).
func accessOf(req *http.Request) (access, bool) {
	info, err := requestInfo.NewRequestInfo(req)
	if err != nil || !info.IsResourceRequest {
		return access{}, false
	}
	res := info.Resource
	if info.Subresource != "" {
		res += "/" + info.Subresource
	}
	return access{Verb: info.Verb, Group: info.APIGroup, Resource: res}, true
}

// accessCounter counts the requests that reached the API server and those it answered
// 403 Forbidden, by access.
type accessCounter struct {
	mu        sync.Mutex
	requests  map[access]int
	forbidden map[access]int
	// onForbidden, when set, is called (outside mu) with each refused access.
	onForbidden func(access)
}

func newAccessCounter() *accessCounter {
	return &accessCounter{requests: map[access]int{}, forbidden: map[access]int{}}
}

// count records one answered request.
func (c *accessCounter) count(a access, status int) {
	c.mu.Lock()
	c.requests[a]++
	if status == http.StatusForbidden {
		c.forbidden[a]++
	}
	hook := c.onForbidden
	c.mu.Unlock()
	if status == http.StatusForbidden && hook != nil {
		hook(a)
	}
}

// refused returns how many requests for a were answered Forbidden.
func (c *accessCounter) refused(a access) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.forbidden[a]
}

// refusals returns every refused access with its count, sorted, for messages.
func (c *accessCounter) refusals() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return accessCounts(c.forbidden)
}

// made returns every access requested with its count, sorted, for messages.
func (c *accessCounter) made() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return accessCounts(c.requests)
}

func accessCounts(m map[access]int) string {
	var parts []string
	for a, n := range m {
		parts = append(parts, fmt.Sprintf("%s ×%d", a, n))
	}
	slices.Sort(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// countingTransport passes requests on and counts their answers in an accessCounter.
type accessCountingTransport struct {
	next    http.RoundTripper
	counter *accessCounter
}

// RoundTrip sends req and counts its answer.
func (t *accessCountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		if a, ok := accessOf(req); ok {
			t.counter.count(a, resp.StatusCode)
		}
	}
	return resp, err
}

// accountProxy reaches the API server as one ServiceAccount, and nothing else: it forwards
// plain HTTP requests from loopback with the account's own token (a TokenRequest, as the
// kubelet mounts one into a pod), through an accessCountingTransport. A controller given its
// address, in this process (config) or in another (kubeconfig), has exactly the
// ServiceAccount's permissions.
type accountProxy struct {
	counter    *accessCounter
	config     *rest.Config // for a client in this process
	kubeconfig string       // for a program run as a process
}

// serviceAccountToken requests a token for the ServiceAccount, valid for an hour.
func (c *cluster) serviceAccountToken(t *testing.T, sa types.NamespacedName) string {
	t.Helper()
	tr, err := c.client.CoreV1().ServiceAccounts(sa.Namespace).CreateToken(context.Background(), sa.Name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for ServiceAccount %s: %v", sa, err)
	}
	return tr.Status.Token
}

// accountProxy starts a proxy that reaches the API server with token; it stops when t ends.
func (c *cluster) accountProxy(t *testing.T, token string) *accountProxy {
	t.Helper()
	upstream := &rest.Config{
		Host:            c.config.Host,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.config.CAData, ServerName: c.config.ServerName},
		BearerToken:     token,
	}
	rt, err := rest.TransportFor(upstream)
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(c.config.Host)
	if err != nil {
		t.Fatal(err)
	}
	counter := newAccessCounter()
	srv := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			r.Out.Header.Del("Authorization") // the token is the transport's; a client brings none
		},
		Transport:     &accessCountingTransport{next: rt, counter: counter},
		FlushInterval: -1, // watches stream
	})
	t.Cleanup(func() {
		srv.CloseClientConnections() // open watches would hold Close
		srv.Close()
	})

	p := &accountProxy{counter: counter, config: &rest.Config{Host: srv.URL}}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["sa"] = &clientcmdapi.Cluster{Server: srv.URL}
	cfg.AuthInfos["sa"] = &clientcmdapi.AuthInfo{}
	cfg.Contexts["sa"] = &clientcmdapi.Context{Cluster: "sa", AuthInfo: "sa"}
	cfg.CurrentContext = "sa"
	p.kubeconfig = t.TempDir() + "/kubeconfig"
	if err := clientcmd.WriteToFile(*cfg, p.kubeconfig); err != nil {
		t.Fatal(err)
	}
	return p
}
