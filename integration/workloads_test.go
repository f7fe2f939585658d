package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// workloadResources are the built-in kinds inject.ApplyObject takes, by fixture.
var workloadResources = map[string]schema.GroupVersionResource{
	"pod":                   {Version: "v1", Resource: "pods"},
	"podtemplate":           {Version: "v1", Resource: "podtemplates"},
	"replicationcontroller": {Version: "v1", Resource: "replicationcontrollers"},
	"deployment":            {Group: "apps", Version: "v1", Resource: "deployments"},
	"statefulset":           {Group: "apps", Version: "v1", Resource: "statefulsets"},
	"daemonset":             {Group: "apps", Version: "v1", Resource: "daemonsets"},
	"replicaset":            {Group: "apps", Version: "v1", Resource: "replicasets"},
	"job":                   {Group: "batch", Version: "v1", Resource: "jobs"},
	"cronjob":               {Group: "batch", Version: "v1", Resource: "cronjobs"},
}

// testWorkloadsDryRun creates every built-in workload of inject's object fixtures with the
// secrets injected, by server-side dry run: once as inject.ApplyObject's unstructured output
// (the golden file, exactly what a user's YAML becomes) and once as its typed output. The
// API server must accept both, and a typed Deployment and Job must come back with the env
// vars, mounts and pull secrets in their pod templates. So must the workloads the runai and
// pachyderm examples print.
func testWorkloadsDryRun(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	dyn, err := dynamic.NewForConfig(c.config)
	if err != nil {
		t.Fatal(err)
	}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "deploy-key", As: secretspec.GitSSH},
	}
	create := func(t *testing.T, gvr schema.GroupVersionResource, obj map[string]any) *unstructured.Unstructured {
		t.Helper()
		u := &unstructured.Unstructured{Object: obj}
		u.SetNamespace(ns)
		got, err := dyn.Resource(gvr).Namespace(ns).Create(ctx, u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatalf("dry-run create %s: %v", gvr.Resource, err)
		}
		return got
	}
	t.Run("examples", func(t *testing.T) {
		runai := c.buildExample(t, "runai")
		pachyderm := c.buildExample(t, "pachyderm")
		spec := filepath.Join(exampleData, "pachyderm", "testdata", "mounts.yaml")
		for _, tc := range []struct {
			gvr  schema.GroupVersionResource
			out  []byte
			what string
		}{
			{workloadResources["job"], runProgram(t, runai, "submit", "--kind", "job", "--project", "team-a", "--image", "ubuntu",
				"-e", "MYPASSWORD=SECRET:my-secret,password", "-e", "FOO=bar", "--", "sleep", "infinity"), "runai submit --kind job"},
			{workloadResources["deployment"], runProgram(t, pachyderm, "worker", "-f", spec), "pachyderm worker"},
			{workloadResources["replicationcontroller"], runProgram(t, pachyderm, "worker", "-f", spec, "--kind", "replicationcontroller"),
				"pachyderm worker --kind replicationcontroller"},
		} {
			var obj map[string]any
			if err := yaml.Unmarshal(tc.out, &obj); err != nil {
				t.Fatalf("%s: output is not YAML: %v", tc.what, err)
			}
			create(t, tc.gvr, obj)
		}
	})
	for name, gvr := range workloadResources {
		t.Run(name, func(t *testing.T) {
			golden, err := os.ReadFile(filepath.Join("..", "inject", "testdata", "objects", name+".golden.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			_, doc, ok := strings.Cut(string(golden), "\n---\n")
			if !ok {
				t.Fatalf("%s.golden.yaml has no document after its patch", name)
			}
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatal(err)
			}
			create(t, gvr, obj)

			raw, err := os.ReadFile(filepath.Join("..", "inject", "testdata", "objects", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			j, err := yaml.YAMLToJSON(raw)
			if err != nil {
				t.Fatal(err)
			}
			typed, _, err := scheme.Codecs.UniversalDeserializer().Decode(j, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := inject.ApplyObject(typed, refs)
			if err != nil {
				t.Fatalf("ApplyObject: %v", err)
			}
			m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(out)
			if err != nil {
				t.Fatal(err)
			}
			got := create(t, gvr, m)
			if name != "deployment" && name != "job" {
				return
			}
			spec, _, err := unstructured.NestedMap(got.Object, "spec", "template", "spec")
			if err != nil {
				t.Fatal(err)
			}
			var ps corev1.PodSpec
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &ps); err != nil {
				t.Fatal(err)
			}
			env := map[string]bool{}
			for _, e := range ps.Containers[0].Env {
				env[e.Name] = true
			}
			if !env["DB_PASSWORD"] || !env["GIT_SSH_COMMAND"] || len(ps.ImagePullSecrets) == 0 || ps.ImagePullSecrets[0].Name != "registry" {
				t.Errorf("the stored %s's pod template lacks the secrets: env %v, pull secrets %v", name, env, ps.ImagePullSecrets)
			}
		})
	}
}
