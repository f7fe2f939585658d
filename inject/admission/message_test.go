package admission_test

import (
	"context"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

// TestDenialMessages checks that a denial names the pod author's requests (Origin's words,
// or the ref's own description), the container, and never the handler's refs[i].
func TestDenialMessages(t *testing.T) {
	mode := int32(0o1777) // out of range
	// The pod's own requests, in the order the RefsFunc returns their refs.
	requests := []string{"annotation example.com/secret-0", "annotation example.com/secret-1", "annotation example.com/secret-2"}
	origin := func(_ *corev1.Pod, _ []secretspec.Ref, i int) string { return requests[i] }
	tests := []struct {
		name   string
		refs   []secretspec.Ref
		origin func(*corev1.Pod, []secretspec.Ref, int) string
		want   []string
	}{
		{"invalid ref by origin", []secretspec.Ref{
			{Secret: "ok", As: secretspec.PullSecret},
			{Secret: "db", As: secretspec.Mount, MountPath: "relative/dir"},
		}, origin, []string{"annotation example.com/secret-1 (mountPath): "}},
		{"invalid ref by description", []secretspec.Ref{
			{Secret: "ok", As: secretspec.PullSecret},
			{Secret: "db", As: secretspec.Mount, MountPath: "/etc/db", Mode: &mode},
		}, nil, []string{`secret "db" mounted at "/etc/db" (mode): `}},
		{"conflict names the container and the request", []secretspec.Ref{
			{Secret: "ok", As: secretspec.PullSecret},
			{Secret: "ok", As: secretspec.PullSecret},
			{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"},
		}, origin, []string{`container "main" has env var "TOKEN" from a literal value, and annotation example.com/secret-2 wants it`}},
		{"conflict by description", []secretspec.Ref{
			{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN", Containers: []string{"main"}},
		}, nil, []string{`env var "TOKEN" from secret "api" key "token" for container "main" wants it`}},
		{"origin may decline", []secretspec.Ref{
			{Secret: "api", Key: "", As: secretspec.Env, EnvVar: "TOKEN", Containers: []string{"main", "side"}},
		}, func(*corev1.Pod, []secretspec.Ref, int) string { return "" }, []string{`env var "TOKEN" from secret "api" key "" for containers "main", "side" (key): Required value`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh := &admission.Webhook{Refs: fixedRefs(tt.refs, secretspec.Extras{}, nil), Origin: tt.origin}
			resp := post(t, wh, reviewBody(t, admissionv1.Create, testPod()))
			if resp.Allowed || resp.Result == nil {
				t.Fatalf("allowed, want a denial")
			}
			msg := resp.Result.Message
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "refs[") {
				t.Errorf("message %q names refs[i]", msg)
			}
		})
	}
}

// TestOriginSeesThePod checks that Origin receives the pod the RefsFunc saw and the refs it
// returned.
func TestOriginSeesThePod(t *testing.T) {
	refs := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	var sawPod *corev1.Pod
	var sawRefs int
	wh := &admission.Webhook{
		Refs: func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			sawPod = pod
			return refs, secretspec.Extras{}, nil
		},
		Origin: func(pod *corev1.Pod, rs []secretspec.Ref, i int) string {
			if pod != sawPod {
				t.Error("Origin got another pod than the RefsFunc")
			}
			sawRefs = len(rs)
			return "annotation " + pod.Name + "/" + rs[i].Secret
		},
	}
	resp := post(t, wh, reviewBody(t, admissionv1.Create, testPod()))
	if sawRefs != 1 || resp.Result == nil || !strings.Contains(resp.Result.Message, "annotation task/api wants it") {
		t.Errorf("Origin saw %d refs; message %+v", sawRefs, resp.Result)
	}
}
