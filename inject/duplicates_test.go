package inject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// TestApplyDuplicateEntries covers containers that list one variable (or one envFrom
// Secret and prefix) more than once, which the API server accepts with a warning. The
// kubelet uses the last variable of a name, so the last decides; every envFrom entry
// takes effect, so all of them must be what is wanted.
func TestApplyDuplicateEntries(t *testing.T) {
	want := secretEnv("DB_USER", "db", "user", false)
	lit := corev1.EnvVar{Name: "DB_USER", Value: "literal"}
	other := corev1.EnvVar{Name: "OTHER", Value: "x"}
	ref := []secretspec.Ref{{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"}}
	from := func(optional bool) corev1.EnvFromSource {
		e := corev1.EnvFromSource{Prefix: "P_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}
		if optional {
			e.SecretRef.Optional = ptr(true)
		}
		return e
	}
	fromRef := []secretspec.Ref{{Secret: "api", As: secretspec.EnvFrom, Prefix: "P_"}}
	env := func(vs ...corev1.EnvVar) *corev1.PodSpec { return onePod(corev1.Container{Name: "main", Env: vs}) }
	envFrom := func(vs ...corev1.EnvFromSource) *corev1.PodSpec {
		return onePod(corev1.Container{Name: "main", EnvFrom: vs})
	}
	tests := []struct {
		name      string
		spec      *corev1.PodSpec
		refs      []secretspec.Ref
		policy    ConflictPolicy
		want      *corev1.PodSpec // nil: an error
		wantErr   []string
		wantPatch string
	}{{
		name: "wanted then literal, fail: the literal is what runs", spec: env(want, other, lit), refs: ref, policy: ConflictFail,
		wantErr: []string{`spec.containers[0].env[2]`, `has env var "DB_USER" from a literal value (its last entry, which the kubelet uses; 1 earlier entry has that name)`, `refs[0] wants it from key "user" of Secret "db"`},
	}, {
		name: "wanted then literal, keep existing: unchanged", spec: env(want, other, lit), refs: ref, policy: ConflictKeepExisting,
		want: env(want, other, lit), wantPatch: `[]`,
	}, {
		name: "wanted then literal, override: one entry, the wanted one, at the first place", spec: env(want, other, lit), refs: ref, policy: ConflictOverride,
		want: env(want, other), wantPatch: `[{"op":"remove","path":"/spec/containers/0/env/2"}]`,
	}, {
		name: "literal then literal then literal, override", spec: env(lit, other, lit, lit), refs: ref, policy: ConflictOverride,
		want:      env(want, other),
		wantPatch: `[{"op":"remove","path":"/spec/containers/0/env/0/value"},{"op":"add","path":"/spec/containers/0/env/0/valueFrom","value":{"secretKeyRef":{"key":"user","name":"db"}}},{"op":"remove","path":"/spec/containers/0/env/3"},{"op":"remove","path":"/spec/containers/0/env/2"}]`,
	}, {
		name: "three literals, fail counts the earlier ones", spec: env(lit, lit, lit), refs: ref, policy: ConflictFail,
		wantErr: []string{`spec.containers[0].env[2]`, `2 earlier entries have that name`},
	}, {
		name: "literal then wanted: the wanted one is what runs, for every policy", spec: env(lit, want), refs: ref, policy: ConflictFail,
		want: env(lit, want), wantPatch: `[]`,
	}, {
		name: "literal then wanted, override changes nothing either", spec: env(lit, want), refs: ref, policy: ConflictOverride,
		want: env(lit, want), wantPatch: `[]`,
	}, {
		name: "envFrom listed twice, one optional: fail names the differing one", spec: envFrom(from(false), from(true)), refs: fromRef, policy: ConflictFail,
		wantErr: []string{`spec.containers[0].envFrom[1]`, `has envFrom Secret "api" (optional) with prefix "P_"`},
	}, {
		name: "envFrom listed twice, keep existing", spec: envFrom(from(true), from(false)), refs: fromRef, policy: ConflictKeepExisting,
		want: envFrom(from(true), from(false)), wantPatch: `[]`,
	}, {
		name: "envFrom listed twice, override: one entry", spec: envFrom(from(true), from(false)), refs: fromRef, policy: ConflictOverride,
		want: envFrom(from(false)), wantPatch: `[{"op":"remove","path":"/spec/containers/0/envFrom/0/secretRef/optional"},{"op":"remove","path":"/spec/containers/0/envFrom/1"}]`,
	}, {
		name: "envFrom listed twice as wanted: no conflict", spec: envFrom(from(false), from(false)), refs: fromRef, policy: ConflictFail,
		want: envFrom(from(false), from(false)), wantPatch: `[]`,
	}, {
		name: "a WithEnv variable listed twice by the pod, override", spec: env(corev1.EnvVar{Name: "MODE", Value: "a"}, corev1.EnvVar{Name: "MODE", Value: "b"}), policy: ConflictOverride,
		want: env(corev1.EnvVar{Name: "MODE", Value: "c"}), wantPatch: `[{"op":"replace","path":"/spec/containers/0/env/0/value","value":"c"},{"op":"remove","path":"/spec/containers/0/env/1"}]`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithConflictPolicy(tt.policy)}
			if tt.refs == nil {
				opts = append(opts, WithEnv(corev1.EnvVar{Name: "MODE", Value: "c"}))
			}
			before := tt.spec.DeepCopy()
			got, err := Apply(tt.spec, tt.refs, opts...)
			if diff := cmp.Diff(before, tt.spec); diff != "" {
				t.Errorf("Apply modified its input (-before +after):\n%s", diff)
			}
			if tt.want == nil {
				if err == nil {
					t.Fatalf("Apply gave no error and %v", got)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "literal\"") || strings.Contains(err.Error(), `"literal`) {
					t.Errorf("the error prints a literal value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
			podA, podB := &corev1.Pod{Spec: *tt.spec}, &corev1.Pod{Spec: *got}
			patch, err := Patch(podA, podB)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantPatch, string(patch)); diff != "" {
				t.Errorf("Patch (-want +got):\n%s", diff)
			}
			if err := patchtest.Check(podA, podB, patch); err != nil {
				t.Error(err)
			}
			again, err := Apply(got, tt.refs, opts...)
			if err != nil {
				t.Fatalf("Apply on its output: %v", err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("Apply is not idempotent (-once +twice):\n%s", diff)
			}
		})
	}
}
