package inject

import (
	"errors"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/podsecrets/podsecrets/secretspec"
)

// ApplyObject returns a copy of obj, a workload, in which every pod template has the refs
// applied as ApplyTemplate applies them.
//
// STUB (phase 0): not implemented yet.
func ApplyObject(obj runtime.Object, refs []secretspec.Ref, opts ...Option) (runtime.Object, error) {
	return nil, errors.New("inject: ApplyObject: STUB, not implemented yet")
}

// WithTemplatePaths tells ApplyObject where the pod templates of objects of kind gk are: dotted
// field names from the object's root to a PodTemplateSpec, "[*]" for every element of a list
// and "*" for every value of a map, e.g. "spec.replicatedJobs[*].template.spec.template".
//
// STUB (phase 0): not implemented yet.
func WithTemplatePaths(gk schema.GroupKind, paths ...string) Option {
	return optionFunc(func(c config) config { return c })
}

// PatchObject returns the RFC 6902 JSON Patch that turns before into after, two versions of
// one object, typed or unstructured, with paths relative to the object.
//
// STUB (phase 0): not implemented yet.
func PatchObject(before, after runtime.Object) ([]byte, error) {
	return nil, errors.New("inject: PatchObject: STUB, not implemented yet")
}
