package podsecrets_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// injectExtrasLeakCases drive inject's checks of duplicate entries, of pods without
// containers and of Extras with sentinel values beside every message.
func injectExtrasLeakCases() []leakCase {
	S := sentinel
	v := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	envRef := secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}
	spec := func(env ...corev1.EnvVar) *corev1.PodSpec {
		return &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox", Env: env}}}
	}
	apply := func(s *corev1.PodSpec, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.Apply(s, refs, opts...)
			return errOut(err)
		}
	}
	return []leakCase{
		{"inject.Apply", "wanted variable then a literal of that name", true, apply(spec(
			corev1.EnvVar{Name: "PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}},
			v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.Apply", "no containers", true, apply(&corev1.PodSpec{InitContainers: []corev1.Container{{Name: "i", Env: []corev1.EnvVar{v("A", S)}}}}, []secretspec.Ref{envRef})},
	}
}
