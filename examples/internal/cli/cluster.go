package cli

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// ClusterFlags chooses the cluster a command talks to.
type ClusterFlags struct {
	// Kubeconfig is the path of a kubeconfig file (--kubeconfig).
	Kubeconfig string
	// Fake asks for an in-memory cluster (--fake).
	Fake bool
	// State is a file of YAML or JSON manifests (Namespaces, Secrets, ...) that seeds the
	// in-memory cluster (--state); it implies Fake.
	State string
	// QPS and Burst limit the client's requests to a real cluster (--qps, --burst).
	// client-go's own defaults, 5 and 10, make a copy into 500 namespaces take 104 s that
	// the API server serves in about 10 s.
	QPS   float64
	Burst int
}

// The defaults of --qps and --burst.
const (
	DefaultQPS   = 50
	DefaultBurst = 100
)

// Register adds --kubeconfig, --fake, --state, --qps and --burst to fs.
func (f *ClusterFlags) Register(fs *flag.FlagSet) {
	fs.Float64Var(&f.QPS, "qps", DefaultQPS, "requests per second to the cluster, on average (client-go's default is 5)")
	fs.IntVar(&f.Burst, "burst", DefaultBurst, "requests to the cluster in a burst above --qps (client-go's default is 10)")
	fs.StringVar(&f.Kubeconfig, "kubeconfig", "", "path of a kubeconfig file (default: the in-cluster config, else an in-memory cluster)")
	fs.BoolVar(&f.Fake, "fake", false, "use an in-memory cluster; nothing is saved when the program ends")
	fs.StringVar(&f.State, "state", "", "manifests (YAML or JSON, several documents) that seed the in-memory cluster; implies --fake")
}

// Client returns the client the flags choose: env.Client if a test set one; an
// in-memory cluster for --fake or --state; the --kubeconfig cluster; the in-cluster
// config when running in a pod; and otherwise an empty in-memory cluster, with a note
// on env.Stderr saying so.
func (f *ClusterFlags) Client(env Env) (kubernetes.Interface, error) {
	if env.Client != nil {
		return env.Client, nil
	}
	if f.Fake || f.State != "" {
		if f.Kubeconfig != "" {
			return nil, Usagef("--kubeconfig cannot be combined with --fake or --state")
		}
		objs, err := LoadState(f.State)
		if err != nil {
			return nil, err
		}
		return fake.NewClientset(objs...), nil
	}
	var cfg *rest.Config
	var err error
	if f.Kubeconfig != "" {
		cfg, err = clientcmd.BuildConfigFromFlags("", f.Kubeconfig)
	} else {
		cfg, err = rest.InClusterConfig()
		if errors.Is(err, rest.ErrNotInCluster) {
			if env.Stderr != nil {
				fmt.Fprintln(env.Stderr, "note: no --kubeconfig and not in a cluster: using an empty in-memory cluster (nothing is saved)")
			}
			return fake.NewClientset(), nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cluster config: %w", err)
	}
	if f.QPS <= 0 || f.Burst < 1 {
		return nil, Usagef("--qps %v --burst %d: want both positive", f.QPS, f.Burst)
	}
	cfg.QPS, cfg.Burst = float32(f.QPS), f.Burst
	return kubernetes.NewForConfig(cfg)
}

// LoadState reads the objects in a file of YAML or JSON manifests separated by "---".
// Kinds client-go knows (Namespace, Secret, Pod, ...) are accepted. An empty path gives
// no objects. Errors name the document by number and never quote its text, since a
// state file may hold Secret data.
func LoadState(path string) ([]runtime.Object, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return DecodeObjects(path, data)
}

// DecodeObjects decodes every manifest in data (YAML or JSON documents separated by
// "---"); name is used in errors, which never quote the data.
func DecodeObjects(name string, data []byte) ([]runtime.Object, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	deserializer := scheme.Codecs.UniversalDeserializer()
	var objs []runtime.Object
	for i := 1; ; i++ {
		doc, err := r.Read()
		if err == io.EOF {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: cannot be read", name, i)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj, _, err := deserializer.Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: not a Kubernetes object of a known kind, or malformed", name, i)
		}
		objs = append(objs, obj)
	}
}
