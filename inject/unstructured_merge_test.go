package inject

import (
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestMergeTemplatePrepend: an init container put before the template's own (as a secret
// manager's fetcher must run first) keeps the template's own entries with their own fields.
func TestMergeTemplatePrepend(t *testing.T) {
	m := map[string]any{
		"spec": map[string]any{
			"initContainers": []any{map[string]any{"name": "setup", "image": "busybox", "x-future": map[string]any{"n": int64(1)}}},
			"containers":     []any{map[string]any{"name": "main", "image": "app", "x-future": 0.5}},
			"x-pod":          "kept",
		},
	}
	before, ferr := decodeTemplate(m, nil)
	if ferr != nil {
		t.Fatal(ferr)
	}
	after := before.DeepCopy()
	after.Spec.InitContainers = append([]corev1.Container{{Name: "fetch", Image: "fetcher:1"}}, after.Spec.InitContainers...)
	after.Spec.Containers[0].Env = append(after.Spec.Containers[0].Env, corev1.EnvVar{Name: "A", Value: "b"})
	if !reordered(&before.Spec, &after.Spec) {
		t.Fatal("a prepended init container is not seen as a reordering")
	}
	if err := mergeTemplate(m, before, after); err != nil {
		t.Fatal(err)
	}
	fetch, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&after.Spec.InitContainers[0])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"spec": map[string]any{
			"initContainers": []any{fetch, map[string]any{"name": "setup", "image": "busybox", "x-future": map[string]any{"n": int64(1)}}},
			"containers":     []any{map[string]any{"name": "main", "image": "app", "x-future": 0.5, "env": []any{map[string]any{"name": "A", "value": "b"}}}},
			"x-pod":          "kept",
		},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestMergeTemplateAgrees: for what Apply makes (appends only), aligning lists by name gives
// exactly what applying Patch's operations gives.
func TestMergeTemplateAgrees(t *testing.T) {
	agreed := 0
	for seed := int64(0); seed < 300; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		tpl := genTemplate(c)
		m := toMap(t, &tpl)
		sprinkle(c, m)
		refs := genRefs(c, false)
		opts := genPolicy(c)
		before, ferr := decodeTemplate(m, nil)
		if ferr != nil {
			t.Fatal(ferr)
		}
		after, err := applyTemplate(before, refs, opts, nil)
		if err != nil || reordered(&before.Spec, &after.Spec) {
			continue
		}
		viaPatch, viaMerge := runtime.DeepCopyJSON(m), runtime.DeepCopyJSON(m)
		patch, err := Patch(&corev1.Pod{ObjectMeta: before.ObjectMeta, Spec: before.Spec}, &corev1.Pod{ObjectMeta: after.ObjectMeta, Spec: after.Spec})
		if err != nil {
			t.Fatal(err)
		}
		if err := patchMap(viaPatch, patch); err != nil {
			t.Fatal(err)
		}
		if err := mergeTemplate(viaMerge, before, after); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(viaPatch, viaMerge); diff != "" {
			t.Fatalf("seed %d: patch and merge differ (-patch +merge):\n%s", seed, diff)
		}
		agreed++
	}
	if agreed < 50 {
		t.Errorf("only %d cases compared", agreed)
	}
}
