package admission_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
)

// skipIfPreflightStub skips while preflight.Check is the lead's phase-0 stub.
func skipIfPreflightStub(t testing.TB) {
	t.Helper()
	if errs, _ := preflight.Check(fakeSecrets{}, nil, nil); len(errs) > 0 && strings.Contains(errs.ToAggregate().Error(), "STUB") {
		t.Skip("preflight.Check is still a stub on this branch")
	}
}

// fakeSecrets is one namespace's Secrets; a nil entry is one the reader may not read.
type fakeSecrets map[string]*corev1.Secret

func (f fakeSecrets) Get(name string) (*corev1.Secret, error) {
	s, ok := f[name]
	switch {
	case !ok:
		return nil, apierrors.NewNotFound(corev1.Resource("secrets"), name)
	case s == nil:
		return nil, apierrors.NewForbidden(corev1.Resource("secrets"), name, errors.New("the webhook's service account may not get secrets"))
	}
	return s, nil
}

func TestPreflight(t *testing.T) {
	skipIfPreflightStub(t)
	api := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "team-a"}, Data: map[string][]byte{"token": []byte("dev-token-value")}}
	ref := secretspec.Ref{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}
	optional := secretspec.Ref{Secret: "extra", Key: "k", As: secretspec.Env, EnvVar: "EXTRA", Optional: true}
	missingKey := secretspec.Ref{Secret: "api", Key: "nope", As: secretspec.Env, EnvVar: "NOPE"}
	tests := []struct {
		name      string
		refs      []secretspec.Ref
		secrets   fakeSecrets
		forbidden admission.ForbiddenPolicy
		outcome   admission.Outcome
		stage     admission.Stage
		msg       []string // in the message
		warnings  []string // each in one warning, in order
	}{
		{"present", []secretspec.Ref{ref}, fakeSecrets{"api": api}, admission.ForbiddenDeny, admission.Patched, admission.StagePatch, nil, nil},
		{"missing Secret", []secretspec.Ref{ref}, fakeSecrets{}, admission.ForbiddenDeny, admission.Denied, admission.StagePreflight,
			[]string{`the pod cannot start: env var "API_TOKEN" from secret "api" key "token"`}, nil},
		{"missing key", []secretspec.Ref{ref, missingKey}, fakeSecrets{"api": api}, admission.ForbiddenDeny, admission.Denied, admission.StagePreflight,
			[]string{`env var "NOPE" from secret "api" key "nope"`, "nope"}, nil},
		{"optional missing is a warning", []secretspec.Ref{ref, optional}, fakeSecrets{"api": api}, admission.ForbiddenDeny, admission.Patched, admission.StagePatch,
			nil, []string{`env var "EXTRA" from secret "extra" key "k"`}},
		{"forbidden denies", []secretspec.Ref{ref}, fakeSecrets{"api": nil}, admission.ForbiddenDeny, admission.Denied, admission.StagePreflight,
			[]string{`env var "API_TOKEN" from secret "api" key "token"`}, nil},
		{"forbidden warns", []secretspec.Ref{ref}, fakeSecrets{"api": nil}, admission.ForbiddenWarn, admission.Patched, admission.StagePatch,
			nil, []string{`env var "API_TOKEN" from secret "api" key "token" (secret): Forbidden`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sawNamespace string
			wh := &admission.Webhook{
				Refs: fixedRefs(tt.refs, secretspec.Extras{}, nil),
				Secrets: func(_ context.Context, ns string) secretspec.SecretGetter {
					sawNamespace = ns
					return tt.secrets
				},
				Forbidden: tt.forbidden,
			}
			d, resp := decide(t, wh, reviewBody(t, admissionv1.Create, testPod()))
			if d.Outcome != tt.outcome || d.Stage != tt.stage {
				t.Errorf("outcome %s at %s, want %s at %s (message %q)", d.Outcome, d.Stage, tt.outcome, tt.stage, d.Message)
			}
			if sawNamespace != "team-a" {
				t.Errorf("Secrets asked for namespace %q, want the request's team-a", sawNamespace)
			}
			if d.PreflightDuration <= 0 {
				t.Error("no PreflightDuration")
			}
			for _, w := range tt.msg {
				if !strings.Contains(d.Message, w) {
					t.Errorf("message %q lacks %q", d.Message, w)
				}
			}
			if len(resp.Warnings) != len(d.Warnings) {
				t.Errorf("response warnings %q, decision %q", resp.Warnings, d.Warnings)
			}
			joined := strings.Join(resp.Warnings, "\n")
			for _, w := range tt.warnings {
				if !strings.Contains(joined, w) {
					t.Errorf("warnings %q lack %q", resp.Warnings, w)
				}
			}
			if len(tt.warnings) == 0 && len(resp.Warnings) > 0 {
				t.Errorf("warnings %q, want none", resp.Warnings)
			}
			for _, text := range append([]string{d.Message}, resp.Warnings...) {
				if strings.Contains(text, "dev-token-value") || strings.Contains(text, "refs[") {
					t.Errorf("%q holds a value or the handler's refs[i]", text)
				}
			}
		})
	}
}

func TestPreflightNoGetter(t *testing.T) {
	ref := secretspec.Ref{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}
	wh := &admission.Webhook{
		Refs:    fixedRefs([]secretspec.Ref{ref}, secretspec.Extras{}, nil),
		Secrets: func(context.Context, string) secretspec.SecretGetter { return nil },
	}
	d, _ := decide(t, wh, reviewBody(t, admissionv1.Create, testPod()))
	if d.Outcome != admission.Errored || !strings.Contains(d.Message, "no SecretGetter for namespace team-a") {
		t.Errorf("outcome %s, message %q; want an error saying there is no getter", d.Outcome, d.Message)
	}
}

func TestPreflightNotCalledWithoutRefs(t *testing.T) {
	called := false
	wh := &admission.Webhook{
		Refs:    fixedRefs(nil, secretspec.Extras{}, nil),
		Secrets: func(context.Context, string) secretspec.SecretGetter { called = true; return fakeSecrets{} },
	}
	if d, _ := decide(t, wh, reviewBody(t, admissionv1.Create, testPod())); d.Outcome != admission.Unchanged || called {
		t.Errorf("outcome %s, Secrets called %v; want unchanged without a check", d.Outcome, called)
	}
}
