package inject

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// The fast way to write a template back (patchMap) applies Patch's operations, which align
// lists by position: right when Apply only appends, as it does to env, mounts, volumes and
// pull secrets. When a list of named entries gained an entry before existing ones (init
// containers that must run first) or changed order, positions no longer say which original
// entry an entry of the result is, and fields corev1 does not know would stay with the wrong
// one. mergeTemplate then aligns such lists by name instead.

// reordered reports whether a list of named entries of the template's spec has, in after,
// an entry of before at another position.
func reordered(before, after *corev1.PodSpec) bool {
	return !namesKept(before.InitContainers, after.InitContainers, func(c *corev1.Container) string { return c.Name }) ||
		!namesKept(before.Containers, after.Containers, func(c *corev1.Container) string { return c.Name }) ||
		!namesKept(before.Volumes, after.Volumes, func(v *corev1.Volume) string { return v.Name })
}

// namesKept reports whether after starts with before's entries, by name, in before's order.
func namesKept[T any](before, after []T, name func(*T) string) bool {
	if len(after) < len(before) {
		return false
	}
	for i := range before {
		if name(&before[i]) != name(&after[i]) {
			return false
		}
	}
	return true
}

// mergeTemplate writes into m, the unstructured template before was read from, what changed
// from before to after, aligning lists of named entries by their names.
func mergeTemplate(m map[string]any, before, after *corev1.PodTemplateSpec) error {
	b, err := runtime.DefaultUnstructuredConverter.ToUnstructured(before)
	if err != nil {
		return err
	}
	a, err := runtime.DefaultUnstructuredConverter.ToUnstructured(after)
	if err != nil {
		return err
	}
	merge3(m, b, a)
	return nil
}

// merge3 returns orig changed as before changed into after: keys before has and after
// does not are removed, new ones added, differing ones merged; lists whose entries are all
// objects with a "name" are aligned by name, others by position. Where orig does not have
// the shape before shows, after's value is taken.
func merge3(orig, before, after any) any {
	switch a := after.(type) {
	case map[string]any:
		b, ok := before.(map[string]any)
		if !ok {
			return a
		}
		o, ok := orig.(map[string]any)
		if !ok {
			if orig != nil {
				return a
			}
			o = map[string]any{} // a zero value the typed form showed: only changes go in
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				delete(o, k)
			}
		}
		for k, av := range a {
			bv, ok := b[k]
			switch {
			case !ok:
				o[k] = av
			case !reflect.DeepEqual(bv, av):
				o[k] = merge3(o[k], bv, av)
			}
		}
		return o
	case []any:
		b, ok := before.([]any)
		o, ok2 := orig.([]any)
		if !ok || !ok2 || len(o) != len(b) {
			return a
		}
		out := make([]any, len(a))
		if byName(b) && byName(a) {
			used := make([]bool, len(b))
			for j, av := range a {
				out[j] = av
				name := av.(map[string]any)["name"]
				for i, bv := range b {
					if !used[i] && bv.(map[string]any)["name"] == name {
						used[i] = true
						out[j] = merge3(o[i], bv, av)
						break
					}
				}
			}
			return out
		}
		for j, av := range a {
			if j < len(b) {
				out[j] = merge3(o[j], b[j], av)
			} else {
				out[j] = av
			}
		}
		return out
	}
	return after
}

// byName reports whether every entry of l is an object with a string "name".
func byName(l []any) bool {
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return true
}
