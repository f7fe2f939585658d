package inject

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// PatchObject returns the RFC 6902 JSON Patch that turns the JSON form of before into that of
// after, two versions of one object, typed or unstructured (e.g. a workload and what
// ApplyObject made of it), with paths relative to the object ("/spec/template/spec/…"). It is
// Patch's algorithm over the objects' JSON trees: "add", "remove" and "replace" only, object
// members diffed one by one in sorted order, lists by their common prefix then appends ("/-")
// or removals from the end, so that ApplyObject's output gives the appends alone. Equal
// objects give "[]"; the output is the same, byte for byte, for the same input. For two
// *corev1.Pods it is Patch. It never modifies its arguments.
func PatchObject(before, after runtime.Object) ([]byte, error) {
	if isNil(before) || isNil(after) {
		return nil, errors.New("inject: PatchObject needs two objects, got a nil one")
	}
	if a, ok := before.(*corev1.Pod); ok {
		if b, ok := after.(*corev1.Pod); ok {
			return Patch(a, b)
		}
	}
	d := differ{}
	d.enc = json.NewEncoder(&d.buf)
	d.enc.SetEscapeHTML(false)
	d.buf.WriteByte('[')
	switch {
	case d.unstructured(before, after):
	case d.typed(before, after):
	default:
		x, err := toTree(before)
		if err != nil {
			return nil, fmt.Errorf("inject: PatchObject cannot encode before, a %T: %w", before, err)
		}
		y, err := toTree(after)
		if err != nil {
			return nil, fmt.Errorf("inject: PatchObject cannot encode after, a %T: %w", after, err)
		}
		d.tree("", x, y)
	}
	if d.err != nil {
		return nil, d.err
	}
	d.buf.WriteByte(']')
	return d.buf.Bytes(), nil
}

// unstructured diffs two unstructured objects of JSON values as they are, without encoding
// them; it reports whether it could.
func (d *differ) unstructured(before, after runtime.Object) bool {
	a, ok := before.(*unstructured.Unstructured)
	if !ok {
		return false
	}
	b, ok := after.(*unstructured.Unstructured)
	if !ok || !isJSON(a.Object) || !isJSON(b.Object) {
		return false
	}
	d.tree("", a.Object, b.Object)
	return true
}

// typed diffs two typed workloads of one kind: the template with Patch's typed differ, the
// rest through JSON; it reports whether it could.
func (d *differ) typed(before, after runtime.Object) bool {
	if reflect.TypeOf(before) != reflect.TypeOf(after) {
		return false
	}
	a, ok := typedSplit(before)
	if !ok || a.t == nil {
		return false
	}
	b, _ := typedSplit(after)
	if b.t == nil {
		return false
	}
	d.json("", a.rest, b.rest)
	d.prefix = "/" + strings.ReplaceAll(a.at.String(), ".", "/")
	if !reflect.DeepEqual(&a.t.ObjectMeta, &b.t.ObjectMeta) {
		d.json("/metadata", &a.t.ObjectMeta, &b.t.ObjectMeta)
	}
	d.spec(&a.t.Spec, &b.t.Spec)
	return true
}

// isJSON reports whether v holds only JSON values of the types copyJSON takes, which the
// differ compares as they are.
func isJSON(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if !isJSON(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !isJSON(e) {
				return false
			}
		}
		return true
	}
	return isJSONScalar(v)
}

// isNil is true for a nil interface and for a typed nil pointer in one.
func isNil(o runtime.Object) bool {
	if o == nil {
		return true
	}
	v := reflect.ValueOf(o)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
