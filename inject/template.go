package inject

import (
	"errors"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// ApplyTemplate is Apply for a pod template, as workloads hold them: the result is a copy of t
// whose spec is what Apply makes of t.Spec and whose annotations have the Extras' annotations. Errors about containers have paths relative to the
// template ("spec.containers[0].env[1]"); t is never modified.
func ApplyTemplate(t *corev1.PodTemplateSpec, refs []secretspec.Ref, opts ...Option) (*corev1.PodTemplateSpec, error) {
	if t == nil {
		return nil, errors.New("inject: the PodTemplateSpec is nil")
	}
	return applyTemplate(t, refs, opts, nil)
}

// applyTemplate is ApplyTemplate for a template whose spec is at the path at of the caller's
// object (nil: "spec", the template's own).
func applyTemplate(t *corev1.PodTemplateSpec, refs []secretspec.Ref, opts []Option, at *field.Path) (*corev1.PodTemplateSpec, error) {
	out := new(corev1.PodTemplateSpec)
	if err := applyTo(&out.Spec, &t.Spec, &out.ObjectMeta, &t.ObjectMeta, refs, opts, at); err != nil {
		return nil, err
	}
	if err := stampSecretsHash(&out.ObjectMeta, &out.Spec, opts); err != nil {
		return nil, err
	}
	return out, nil
}
