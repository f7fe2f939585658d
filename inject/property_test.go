package inject

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// TestProperties checks, over generated pods, refs and Extras, that Apply is pure, deterministic
// and idempotent, that its output is a valid pod, that it never prints a literal value,
// and that Patch turns the input into the output.
func TestProperties(t *testing.T) {
	const seeds = 3000
	var ok, failed int
	for seed := int64(0); seed < seeds; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		pod := genPod(c)
		refs := genRefs(c, seed%2 == 1)
		opts := genPolicy(c)
		extras := genExtras(c, seed%2 == 1)
		if checkProperties(t, seed, pod, refs, extras, opts) {
			ok++
		} else {
			failed++
		}
	}
	// Both outcomes must be common, or the generator tests little.
	if ok < seeds/10 || failed < seeds/10 {
		t.Errorf("generator is lopsided: %d successes, %d errors out of %d", ok, failed, seeds)
	}
}

// checkProperties runs Apply on one input and checks every property; it reports whether
// Apply succeeded.
func checkProperties(t *testing.T, seed int64, pod *corev1.Pod, refs []secretspec.Ref, extras []secretspec.Extras, opts []Option) bool {
	t.Helper()
	podBefore := pod.DeepCopy()
	refsBefore := deepCopyRefs(refs)
	extrasBefore := deepCopyExtras(extras)
	opts = append(opts[:len(opts):len(opts)], extrasOptions(extras)...)
	checkExtras := func(what string) {
		t.Helper()
		if diff := cmp.Diff(extrasBefore, extras); diff != "" {
			t.Fatalf("seed %d: %s (-before +after):\n%s", seed, what, diff)
		}
	}

	out, err := ApplyPod(pod, refs, opts...)
	if diff := cmp.Diff(podBefore, pod); diff != "" {
		t.Fatalf("seed %d: ApplyPod modified its pod (-before +after):\n%s", seed, diff)
	}
	if diff := cmp.Diff(refsBefore, refs); diff != "" {
		t.Fatalf("seed %d: ApplyPod modified its refs (-before +after):\n%s", seed, diff)
	}
	checkExtras("ApplyPod modified its Extras")
	if err != nil {
		if strings.Contains(err.Error(), "literal-value-do-not-print") {
			t.Fatalf("seed %d: the error prints a literal env value", seed)
		}
		out2, err2 := ApplyPod(pod, refs, opts...)
		if out2 != nil || err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("seed %d: a second ApplyPod gave a different error or a pod", seed)
		}
		return false
	}
	if bad := checkPodSpec(&out.Spec); len(bad) > 0 {
		t.Fatalf("seed %d: the output breaks Kubernetes' rules:\n%s", seed, strings.Join(bad, "\n"))
	}

	// Determinism: the same input gives the same bytes.
	again, err := ApplyPod(pod, refs, opts...)
	if err != nil {
		t.Fatalf("seed %d: second ApplyPod failed: %v", seed, err)
	}
	if a, b := mustYAML(t, out), mustYAML(t, again); a != b {
		t.Fatalf("seed %d: two ApplyPod calls differ:\n%s", seed, cmp.Diff(a, b))
	}

	// Idempotency: applying to the output changes nothing.
	twice, err := ApplyPod(out, refs, opts...)
	if err != nil {
		t.Fatalf("seed %d: ApplyPod on its own output failed: %v", seed, err)
	}
	if diff := cmp.Diff(out, twice); diff != "" {
		t.Fatalf("seed %d: ApplyPod is not idempotent (-once +twice):\n%s", seed, diff)
	}

	// Patch turns the input into the output, and is empty between equal pods.
	patch, err := Patch(pod, out)
	if err != nil {
		t.Fatalf("seed %d: Patch: %v", seed, err)
	}
	if err := patchtest.Check(pod, out, patch); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	if p, _ := Patch(out, twice); string(p) != "[]" {
		t.Fatalf("seed %d: Patch of equal pods is %s, want []", seed, p)
	}

	// No shared memory: scribbling over the output leaves the input alone.
	scribble(reflect.ValueOf(out))
	if diff := cmp.Diff(podBefore, pod); diff != "" {
		t.Fatalf("seed %d: the output shares memory with the input pod (-before +after):\n%s", seed, diff)
	}
	if diff := cmp.Diff(refsBefore, refs); diff != "" {
		t.Fatalf("seed %d: the output shares memory with the refs (-before +after):\n%s", seed, diff)
	}
	checkExtras("the output shares memory with the Extras")
	return true
}

func deepCopyRefs(refs []secretspec.Ref) []secretspec.Ref {
	if refs == nil {
		return nil
	}
	out := make([]secretspec.Ref, len(refs))
	for i, r := range refs {
		out[i] = r
		if r.Items != nil {
			out[i].Items = make([]corev1.KeyToPath, len(r.Items))
			for j := range r.Items {
				r.Items[j].DeepCopyInto(&out[i].Items[j])
			}
		}
		if r.Mode != nil {
			out[i].Mode = ptr(*r.Mode)
		}
		if r.Containers != nil {
			out[i].Containers = append([]string(nil), r.Containers...)
		}
	}
	return out
}

// scribble overwrites every string, integer and bool reachable from v.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if v.Type().Elem().Kind() == reflect.String {
				v.SetMapIndex(k, reflect.ValueOf("scribbled").Convert(v.Type().Elem()))
			}
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString("scribbled")
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.CanSet() {
			v.SetInt(0o123)
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	}
}

func mustYAML(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
