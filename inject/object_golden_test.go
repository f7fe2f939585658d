package inject

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/internal/golden"
	"github.com/podsecrets/podsecrets/secretspec"
)

// objectRefs are the refs every object fixture gets: one of each kind that touches a
// container, plus a pull secret (pod level) and a plain variable.
func objectRefs() ([]secretspec.Ref, []Option) {
	return []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
		{Secret: "registry", As: secretspec.PullSecret},
	}, []Option{WithEnv(corev1.EnvVar{Name: "MODE", Value: "prod"})}
}

// readObject reads a YAML fixture as a user writes it into an unstructured object.
func readObject(t testing.TB, name string) *unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "objects", name))
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	u := new(unstructured.Unstructured)
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u
}

// builtinFixtures are the fixtures of kinds ApplyObject also takes typed.
var builtinFixtures = map[string]bool{
	"pod.yaml": true, "podtemplate.yaml": true, "replicationcontroller.yaml": true,
	"deployment.yaml": true, "statefulset.yaml": true, "daemonset.yaml": true,
	"replicaset.yaml": true, "job.yaml": true, "cronjob.yaml": true,
}

// TestObjectGolden applies objectRefs to every fixture in testdata/objects, as an
// unstructured object and, for the built-in kinds, typed. The golden file holds
// PatchObject(input, output), which shows that nothing but the secrets changed, then the
// output. The typed output must equal the unstructured one read back into its type.
func TestObjectGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "objects", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".golden.yaml") {
			fixtures = append(fixtures, filepath.Base(f))
		}
	}
	if len(fixtures) < 20 {
		t.Fatalf("found only %d fixtures", len(fixtures))
	}
	refs, opts := objectRefs()
	for _, name := range fixtures {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			in := readObject(t, name)
			before := in.DeepCopy()
			got, err := ApplyObject(in, refs, opts...)
			if err != nil {
				t.Fatalf("ApplyObject: %v", err)
			}
			if diff := cmp.Diff(before, in); diff != "" {
				t.Fatalf("ApplyObject modified its input (-before +after):\n%s", diff)
			}
			out := got.(*unstructured.Unstructured)
			patch, err := PatchObject(in, out)
			if err != nil {
				t.Fatal(err)
			}
			if err := patchtest.Check(in, out, patch); err != nil {
				t.Error(err)
			}
			for _, op := range patchOps(t, patch) {
				if op.Op != "add" {
					t.Errorf("the patch does more than add: %s %s", op.Op, op.Path)
				}
			}
			y, err := yaml.Marshal(out.Object)
			if err != nil {
				t.Fatal(err)
			}
			var doc bytes.Buffer
			doc.WriteString("# PatchObject(" + name + ", output):\n")
			for _, line := range bytes.Split(bytes.TrimSuffix(bytes.TrimPrefix(patch, []byte("[")), []byte("]")), []byte(`},{"op"`)) {
				if !bytes.HasPrefix(line, []byte("{")) {
					line = append([]byte(`{"op"`), line...)
				}
				if !bytes.HasSuffix(line, []byte("}")) {
					line = append(line, '}')
				}
				doc.WriteString("#   " + string(line) + "\n")
			}
			doc.WriteString("---\n")
			doc.Write(y)
			golden.Check(t, filepath.Join("testdata", "objects", strings.TrimSuffix(name, ".yaml")+".golden.yaml"), doc.Bytes(), *update)

			if !builtinFixtures[name] {
				return
			}
			typed, _, err := scheme.Codecs.UniversalDeserializer().Decode(mustJSON(t, in), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			typedBefore := typed.DeepCopyObject()
			typedOut, err := ApplyObject(typed, refs, opts...)
			if err != nil {
				t.Fatalf("ApplyObject (typed %T): %v", typed, err)
			}
			if diff := cmp.Diff(typedBefore, typed); diff != "" {
				t.Fatalf("ApplyObject modified its typed input (-before +after):\n%s", diff)
			}
			want := reflect.New(reflect.TypeOf(typed).Elem()).Interface().(runtime.Object) // Unmarshal into a copy would merge
			if err := utiljson.Unmarshal(mustJSON(t, out), want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, typedOut); diff != "" {
				t.Errorf("typed and unstructured outputs differ (-unstructured +typed):\n%s", diff)
			}
			tpatch, err := PatchObject(typed, typedOut)
			if err != nil {
				t.Fatal(err)
			}
			if err := patchtest.Check(typed, typedOut, tpatch); err != nil {
				t.Error(err)
			}
		})
	}
}

type jsonOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

func patchOps(t testing.TB, patch []byte) []jsonOp {
	t.Helper()
	var ops []jsonOp
	if err := json.Unmarshal(patch, &ops); err != nil {
		t.Fatalf("the patch is not JSON: %v", err)
	}
	return ops
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// typedOf decodes a built-in fixture into its Go type.
func typedOf(t testing.TB, name string) runtime.Object {
	t.Helper()
	o, _, err := scheme.Codecs.UniversalDeserializer().Decode(mustJSON(t, readObject(t, name)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
