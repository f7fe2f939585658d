package integration

import (
	"context"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	etcdtesting "k8s.io/apiserver/pkg/storage/etcd3/testserver"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	apiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

// cluster is one running API server shared by the subtests of TestAPIServer.
type cluster struct {
	// config reaches the API server as a cluster admin, with QPS and Burst raised for bulk work.
	config *rest.Config
	// client is built from config.
	client kubernetes.Interface

	binDir   string            // where example programs are built
	mu       sync.Mutex        // guards examples
	examples map[string]string // example name -> built binary
}

// startCluster starts etcd and a kube-apiserver on loopback ports and returns a
// client for them. Both stop when t ends: the API server first, then etcd
// (t.Cleanup runs in reverse order of registration).
func startCluster(t *testing.T) *cluster {
	t.Helper()
	began := time.Now()

	etcdConfig := etcdtesting.NewTestConfig(t)
	etcdClient := etcdtesting.RunEtcd(t, etcdConfig)
	storageConfig := storagebackend.NewDefaultConfig(path.Join(uuid.New().String(), "registry"), nil)
	storageConfig.Transport.ServerList = etcdClient.Endpoints()
	etcdReady := time.Since(began)

	server, err := apiservertesting.StartTestServer(t, apiservertesting.NewDefaultTestServerOptions(), []string{
		// No controller manager runs here, so nothing would create the default
		// service account that this admission plugin insists on.
		"--disable-admission-plugins=ServiceAccount",
		// As a cluster authorizes: the test client is a cluster admin (system:masters), and a
		// controller run with a ServiceAccount's token gets what its Roles grant and no more
		// (leastprivilege_test.go).
		"--authorization-mode=Node,RBAC",
	}, storageConfig)
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(server.TearDownFn)
	t.Logf("etcd ready after %v, kube-apiserver ready after %v", etcdReady.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))

	config := rest.CopyConfig(server.ClientConfig)
	config.QPS = 1000
	config.Burst = 2000
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("building a clientset: %v", err)
	}
	return &cluster{config: config, client: client, binDir: t.TempDir(), examples: map[string]string{}}
}

// namespace creates a fresh namespace for one subtest and returns its name.
// Namespaces are not deleted: no controller manager runs to finalise them, and
// the whole server goes away with the test.
func (c *cluster) namespace(t *testing.T) string {
	t.Helper()
	ns, err := c.client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "it-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}
	return ns.Name
}

// serviceAccount creates a service account in namespace ns.
func (c *cluster) serviceAccount(t *testing.T, ns, name string) {
	t.Helper()
	_, err := c.client.CoreV1().ServiceAccounts(ns).Create(context.Background(), &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: name},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating service account %s/%s: %v", ns, name, err)
	}
}
