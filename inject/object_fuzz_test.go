package inject

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// fuzzKinds are the apiVersion and kind FuzzApplyObject gives its input (the last keeps the
// input's own).
var fuzzKinds = [][2]string{
	{"v1", "Pod"}, {"apps/v1", "Deployment"}, {"batch/v1", "CronJob"},
	{"jobset.x-k8s.io/v1alpha2", "JobSet"}, {"kubeflow.org/v1", "PyTorchJob"},
	{"ray.io/v1", "RayCluster"}, {"leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet"},
	{"batch.volcano.sh/v1alpha1", "Job"}, {"serving.knative.dev/v1", "Service"}, {},
}

// FuzzApplyObject gives ApplyObject arbitrary JSON as an unstructured object of a known
// kind. It must never panic nor modify its input, and return either an error or an object
// that a second ApplyObject leaves as it is and that PatchObject reaches from the input.
func FuzzApplyObject(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "objects", "*.yaml"))
	for i, name := range files {
		if strings.HasSuffix(name, ".golden.yaml") {
			continue
		}
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(raw)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(j, byte(len(fuzzKinds)-1), byte(i))
	}
	f.Add([]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"DB_PASSWORD","value":"x"}]}]}}}}`), byte(1), byte(2))
	f.Add([]byte(`{"spec":{"containers":"x","volumes":[null,1]}}`), byte(0), byte(0))
	f.Fuzz(func(t *testing.T, data []byte, kind, opt byte) {
		var obj map[string]any
		if err := utiljson.Unmarshal(data, &obj); err != nil || obj == nil {
			return
		}
		if k := fuzzKinds[int(kind)%len(fuzzKinds)]; k[1] != "" {
			obj["apiVersion"], obj["kind"] = k[0], k[1]
		}
		in := &unstructured.Unstructured{Object: obj}
		before := in.DeepCopy()
		refs := []secretspec.Ref{
			dbRef,
			{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
			{Secret: "registry", As: secretspec.PullSecret},
			{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"a"}[:opt%2]},
		}
		opts := []Option{WithConflictPolicy(ConflictPolicy(opt % 3))}
		out, err := ApplyObject(in, refs, opts...)
		if diff := cmp.Diff(before, in); diff != "" {
			t.Fatalf("ApplyObject modified its input (-before +after):\n%s", diff)
		}
		if err != nil {
			if out != nil {
				t.Fatal("an object beside an error")
			}
			return
		}
		twice, err := ApplyObject(out, refs, opts...)
		if err != nil {
			t.Fatalf("ApplyObject on its own output: %v", err)
		}
		if diff := cmp.Diff(out, twice); diff != "" {
			t.Fatalf("ApplyObject is not idempotent (-once +twice):\n%s", diff)
		}
		patch, err := PatchObject(in, out)
		if err != nil {
			t.Fatalf("PatchObject: %v", err)
		}
		if err := patchtest.Check(in, out, patch); err != nil {
			t.Fatal(err)
		}
	})
}
