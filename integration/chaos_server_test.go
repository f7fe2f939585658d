package integration

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	etcdtesting "k8s.io/apiserver/pkg/storage/etcd3/testserver"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"
	apiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

// chaosServer is a kube-apiserver that can be restarted on the same etcd.
// Clients reach it only through faultProxies, so they keep one address, and
// authenticate with a static token against a serving certificate made here,
// so that both survive a restart (StartTestServer's own loopback token and
// certificate are new each time).
type chaosServer struct {
	t       *testing.T
	storage *storagebackend.Config
	flags   []string
	caPEM   []byte
	token   string
	server  apiservertesting.TestServer // the running one; TearDownFn nil while down
	proxies []*faultProxy
}

// startChaosServer starts etcd and a kube-apiserver; both stop when t ends.
func startChaosServer(t *testing.T) *chaosServer {
	t.Helper()
	etcdClient := etcdtesting.RunEtcd(t, etcdtesting.NewTestConfig(t))
	storage := storagebackend.NewDefaultConfig(path.Join(uuid.New().String(), "registry"), nil)
	storage.Transport.ServerList = etcdClient.Endpoints()

	dir := t.TempDir()
	certPEM, keyPEM, err := certutil.GenerateSelfSignedCertKey("127.0.0.1", []net.IP{net.ParseIP("127.0.0.1")}, []string{"localhost"})
	if err != nil {
		t.Fatalf("serving certificate: %v", err)
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	token := hex.EncodeToString(secret)
	files := map[string][]byte{
		"serving.crt": certPEM,
		"serving.key": keyPEM,
		"tokens.csv":  []byte(token + ",chaos-admin,chaos-admin,system:masters\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := &chaosServer{
		t:       t,
		storage: storage,
		flags: []string{
			"--disable-admission-plugins=ServiceAccount",
			"--tls-cert-file=" + filepath.Join(dir, "serving.crt"),
			"--tls-private-key-file=" + filepath.Join(dir, "serving.key"),
			"--token-auth-file=" + filepath.Join(dir, "tokens.csv"),
			// With this gate (beta, on by default since 1.36) StartTestServer reads the peer CA
			// from the certificate it generates when no --tls-cert-file is given. It is about
			// several API servers of different versions; there is one here.
			"--feature-gates=UnknownVersionInteroperabilityProxy=false",
		},
		caPEM: certPEM,
		token: token,
	}
	s.start(t)
	t.Cleanup(s.stop)
	return s
}

// start starts a kube-apiserver and points every proxy at it. The server belongs to the
// top-level test (its cleanup is registered there); failures are reported to t.
func (s *chaosServer) start(t *testing.T) {
	t.Helper()
	server, err := apiservertesting.StartTestServer(s.t, apiservertesting.NewDefaultTestServerOptions(), s.flags, s.storage)
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	s.server = server
	for _, p := range s.proxies {
		p.setBackend(s.backend(t))
	}
}

// stop tears the running kube-apiserver down; etcd keeps running.
func (s *chaosServer) stop() {
	if s.server.TearDownFn != nil {
		s.server.TearDownFn()
		s.server.TearDownFn = nil
	}
}

// restart stops the kube-apiserver and starts a new one on the same etcd. It returns how long
// the API was down.
func (s *chaosServer) restart(t *testing.T) time.Duration {
	t.Helper()
	began := time.Now()
	// As after a crash, clients lose their connections and cannot connect while it is down
	// (and a graceful shutdown need not wait for their watches to drain).
	for _, p := range s.proxies {
		p.refuse(time.Hour)
	}
	s.stop()
	s.start(t)
	return time.Since(began)
}

// backend is the running kube-apiserver's host:port.
func (s *chaosServer) backend(t *testing.T) string {
	u, err := url.Parse(s.server.ClientConfig.Host)
	if err != nil {
		t.Fatalf("kube-apiserver address %q: %v", s.server.ClientConfig.Host, err)
	}
	return u.Host
}

// client returns a proxy to the API server and a clientset through it named userAgent (the
// field manager of its writes); wrap, if not nil, wraps its transport.
func (s *chaosServer) client(t *testing.T, userAgent string, wrap func(http.RoundTripper) http.RoundTripper) (*faultProxy, kubernetes.Interface) {
	t.Helper()
	p := newFaultProxy(s.t, s.backend(t))
	s.proxies = append(s.proxies, p)
	cfg := &rest.Config{
		Host:            "https://" + p.addr(),
		BearerToken:     s.token,
		TLSClientConfig: rest.TLSClientConfig{CAData: s.caPEM},
		UserAgent:       userAgent,
		QPS:             1000,
		Burst:           2000,
	}
	if wrap != nil {
		cfg.Wrap(wrap)
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("building a clientset: %v", err)
	}
	return p, c
}
