package inject

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
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
	x, err := toTree(before)
	if err != nil {
		return nil, fmt.Errorf("inject: PatchObject cannot encode before, a %T: %w", before, err)
	}
	y, err := toTree(after)
	if err != nil {
		return nil, fmt.Errorf("inject: PatchObject cannot encode after, a %T: %w", after, err)
	}
	d := differ{}
	d.enc = json.NewEncoder(&d.buf)
	d.enc.SetEscapeHTML(false)
	d.buf.WriteByte('[')
	d.tree("", x, y)
	if d.err != nil {
		return nil, d.err
	}
	d.buf.WriteByte(']')
	return d.buf.Bytes(), nil
}

// isNil is true for a nil interface and for a typed nil pointer in one.
func isNil(o runtime.Object) bool {
	if o == nil {
		return true
	}
	v := reflect.ValueOf(o)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
