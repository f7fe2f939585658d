package inject

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
)

func TestPatch(t *testing.T) {
	base := func() *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Annotations: map[string]string{"a/b~c": "1"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "main", Env: []corev1.EnvVar{{Name: "A", Value: "x"}},
			}}},
		}
	}
	tests := []struct {
		name   string
		change func(p *corev1.Pod)
		want   string
	}{
		{"equal", func(*corev1.Pod) {}, `[]`},
		{"append env", func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = append(p.Spec.Containers[0].Env, corev1.EnvVar{Name: "B", Value: "y"})
		}, `[{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"B","value":"y"}}]`},
		{"absent field added whole", func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "v"}}
		}, `[{"op":"add","path":"/spec/volumes","value":[{"name":"v"}]}]`},
		{"replace in place", func(p *corev1.Pod) {
			p.Spec.Containers[0].Env[0].Value = "z"
		}, `[{"op":"replace","path":"/spec/containers/0/env/0/value","value":"z"}]`},
		{"remove from the end", func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = nil
		}, `[{"op":"remove","path":"/spec/containers/0/env"}]`},
		{"escaped keys", func(p *corev1.Pod) {
			p.Annotations["a/b~c"] = "2"
			p.Annotations["x/y"] = "3"
		}, `[{"op":"replace","path":"/metadata/annotations/a~1b~0c","value":"2"},{"op":"add","path":"/metadata/annotations/x~1y","value":"3"}]`},
		{"remove a key", func(p *corev1.Pod) {
			p.Annotations = nil
		}, `[{"op":"remove","path":"/metadata/annotations"}]`},
		{"second container", func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side"})
		}, `[{"op":"add","path":"/spec/containers/-","value":{"name":"side","resources":{}}}]`},
		{"containers null", func(p *corev1.Pod) {
			p.Spec.Containers = nil
		}, `[{"op":"replace","path":"/spec/containers","value":null}]`},
		{"init containers inserted before the pod's own", func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "f1"}, {Name: "f2"}, {Name: "own"}}
		}, `[{"op":"add","path":"/spec/initContainers","value":[{"name":"f1","resources":{}},{"name":"f2","resources":{}},{"name":"own","resources":{}}]}]`},
		{"containers inserted in the middle, the ones after diffed with their own", func(p *corev1.Pod) {
			p.Spec.Containers = []corev1.Container{{Name: "new"}, p.Spec.Containers[0]}
			p.Spec.Containers[1].Env = append(p.Spec.Containers[1].Env, corev1.EnvVar{Name: "B"})
		}, `[{"op":"add","path":"/spec/containers/0","value":{"name":"new","resources":{}}},{"op":"add","path":"/spec/containers/1/env/-","value":{"name":"B"}}]`},
		{"other spec field", func(p *corev1.Pod) {
			p.Spec.NodeName = "n1"
		}, `[{"op":"add","path":"/spec/nodeName","value":"n1"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := base()
			after := base()
			tt.change(after)
			snapshot := before.DeepCopy()
			got, err := Patch(before, after)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Patch (-want +got):\n%s", diff)
			}
			if !json.Valid(got) {
				t.Errorf("Patch is not valid JSON")
			}
			if err := patchtest.Check(before, after, got); err != nil {
				t.Error(err)
			}
			if diff := cmp.Diff(snapshot, before); diff != "" {
				t.Errorf("Patch modified before (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatchNil(t *testing.T) {
	if _, err := Patch(nil, &corev1.Pod{}); err == nil {
		t.Error("Patch(nil, pod) gave no error")
	}
	if _, err := Patch(&corev1.Pod{}, nil); err == nil {
		t.Error("Patch(pod, nil) gave no error")
	}
}

func TestWriteJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "ctl\x00\x1f\n", "ünï", "bad\xffutf8", "<&>"} {
		var d differ
		writeJSONString(&d.buf, s)
		var got string
		if err := json.Unmarshal(d.buf.Bytes(), &got); err != nil {
			t.Errorf("writeJSONString(%q) is not a JSON string: %v", s, err)
			continue
		}
		want, _ := json.Marshal(s)
		var w string
		_ = json.Unmarshal(want, &w)
		if got != w {
			t.Errorf("writeJSONString(%q) decodes to %q, want %q", s, got, w)
		}
	}
}

// TestPatchAnyPair checks Patch on pairs of unrelated generated pods, where lists shrink
// and grow, fields come and go, and containers differ in every way.
func TestPatchAnyPair(t *testing.T) {
	for seed := int64(0); seed < 500; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		before, after := genPod(c), genPod(c)
		if c.intn(2) == 0 {
			after.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}
			after.Labels = map[string]string{"a~b/c": "1"}
		}
		if c.intn(3) == 0 {
			after.Spec.Containers = nil
		}
		if c.intn(2) == 0 {
			// fetchers put before the init containers, and the pod's volumes at the front
			after.Spec.InitContainers = append([]corev1.Container{{Name: "fetch-" + pick(c, "a", "b")}}, before.DeepCopy().Spec.InitContainers...)
			after.Spec.Volumes = append([]corev1.Volume{{Name: "fetched"}}, after.Spec.Volumes...)
		}
		patch, err := Patch(before, after)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := patchtest.Check(before, after, patch); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func FuzzPatch(f *testing.F) {
	f.Add([]byte{}, []byte{1, 2, 3})
	f.Add([]byte("before"), []byte("after"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		before, after := genPod(&byteChooser{b: a}), genPod(&byteChooser{b: b})
		patch, err := Patch(before, after)
		if err != nil {
			t.Fatal(err)
		}
		if err := patchtest.Check(before, after, patch); err != nil {
			t.Fatal(err)
		}
	})
}
