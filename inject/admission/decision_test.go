package admission_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

// decide posts body to wh and returns the one Decision its OnDecision received.
func decide(t *testing.T, wh *admission.Webhook, body []byte) (admission.Decision, *admissionv1.AdmissionResponse) {
	t.Helper()
	var got []admission.Decision
	wh.OnDecision = func(_ context.Context, d admission.Decision) { got = append(got, d) }
	resp := post(t, wh, body)
	if len(got) != 1 {
		t.Fatalf("OnDecision called %d times, want once", len(got))
	}
	return got[0], resp
}

func TestDecisions(t *testing.T) {
	envRef := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}}
	clash := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	podKind := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	generated := testPod()
	generated.Name, generated.GenerateName = "", "task-"
	tests := []struct {
		name string
		wh   *admission.Webhook
		body []byte
		want admission.Decision // Duration, RefsDuration, PatchBytes and Message are checked apart
		msg  string             // in Message; "" wants none
	}{
		{"patched", &admission.Webhook{Refs: fixedRefs(envRef, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Patched, Stage: admission.StagePatch, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task", Templates: 1}, ""},
		{"generateName", &admission.Webhook{Refs: fixedRefs(envRef, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Create, generated),
			admission.Decision{Outcome: admission.Patched, Stage: admission.StagePatch, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", GenerateName: "task-", Templates: 1}, ""},
		{"nothing to inject", &admission.Webhook{Refs: fixedRefs(nil, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Unchanged, Stage: admission.StagePatch, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task", Templates: 1}, ""},
		{"pod update skipped", &admission.Webhook{Refs: fixedRefs(envRef, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Update, testPod()),
			admission.Decision{Outcome: admission.Unchanged, Stage: admission.StageSkip, UID: uid, Kind: podKind, Operation: admissionv1.Update, Namespace: "team-a"}, ""},
		{"delete skipped", &admission.Webhook{Refs: fixedRefs(envRef, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Delete, testPod()),
			admission.Decision{Outcome: admission.Unchanged, Stage: admission.StageSkip, UID: uid, Kind: podKind, Operation: admissionv1.Delete, Namespace: "team-a"}, ""},
		{"RefsFunc fails", &admission.Webhook{Refs: fixedRefs(nil, secretspec.Extras{}, errors.New("annotation flyte.secrets/s1: not base32"))}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Denied, Stage: admission.StageRefs, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task", Templates: 1}, "flyte.secrets/s1"},
		{"conflict", &admission.Webhook{Refs: fixedRefs(clash, secretspec.Extras{}, nil)}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Denied, Stage: admission.StageInject, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task", Templates: 1}, `container "main" has env var "TOKEN"`},
		{"no RefsFunc", &admission.Webhook{}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Errored, Stage: admission.StageRefs, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task"}, "no RefsFunc"},
		{"bad Forbidden policy", &admission.Webhook{Refs: fixedRefs(nil, secretspec.Extras{}, nil), Forbidden: 7}, reviewBody(t, admissionv1.Create, testPod()),
			admission.Decision{Outcome: admission.Errored, Stage: admission.StagePreflight, UID: uid, Kind: podKind, Operation: admissionv1.Create, Namespace: "team-a", Name: "task"}, "ForbiddenPolicy(7)"},
		{"malformed review", &admission.Webhook{Refs: fixedRefs(nil, secretspec.Extras{}, nil)}, []byte(`{`),
			admission.Decision{Outcome: admission.Errored, Stage: admission.StageReview}, "not an AdmissionReview"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, resp := decide(t, tt.wh, tt.body)
			if diff := cmp.Diff(tt.want, d, cmpopts.IgnoreFields(admission.Decision{}, "Duration", "RefsDuration", "PatchBytes", "Message")); diff != "" {
				t.Errorf("decision (-want +got):\n%s", diff)
			}
			if d.Allowed() != resp.Allowed {
				t.Errorf("Decision.Allowed() = %v, the response says %v", d.Allowed(), resp.Allowed)
			}
			if d.PatchBytes != len(resp.Patch) {
				t.Errorf("PatchBytes %d, the patch has %d", d.PatchBytes, len(resp.Patch))
			}
			if tt.want.Outcome == admission.Patched && d.PatchBytes == 0 {
				t.Error("a patched decision with no patch")
			}
			if tt.msg == "" && d.Message != "" || tt.msg != "" && (!strings.Contains(d.Message, tt.msg) || resp.Result == nil || resp.Result.Message != d.Message) {
				t.Errorf("Message %q, want one containing %q that is the response's status.message", d.Message, tt.msg)
			}
			if d.Duration <= 0 || d.RefsDuration > d.Duration || d.PreflightDuration > d.Duration {
				t.Errorf("durations: total %v, refs %v, preflight %v", d.Duration, d.RefsDuration, d.PreflightDuration)
			}
		})
	}
}

// TestDecisionMetrics is the hook used as a metrics exporter would use it: counters by
// outcome and stage from concurrent requests, with no wrapping of the HTTP exchange.
func TestDecisionMetrics(t *testing.T) {
	var mu sync.Mutex
	counts := map[string]int{}
	var observed int
	wh := &admission.Webhook{
		Refs: func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			switch pod.Labels["want"] {
			case "secret":
				return []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}}, secretspec.Extras{}, nil
			case "bad":
				return nil, secretspec.Extras{}, errors.New("label want=bad")
			}
			return nil, secretspec.Extras{}, nil
		},
		OnDecision: func(_ context.Context, d admission.Decision) {
			mu.Lock()
			defer mu.Unlock()
			counts[string(d.Outcome)+"/"+string(d.Stage)]++
			if d.Duration > 0 {
				observed++
			}
		},
	}
	podWith := func(want string) []byte {
		p := testPod()
		p.Labels["want"] = want
		return reviewBody(t, admissionv1.Create, p)
	}
	bodies := map[string][]byte{"secret": podWith("secret"), "none": podWith("none"), "bad": podWith("bad"), "garbage": []byte("{")}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		for _, b := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := httptest.NewRecorder()
				wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", strings.NewReader(string(b))))
			}()
		}
	}
	wg.Wait()
	want := map[string]int{"patched/patch": 10, "unchanged/patch": 10, "denied/refs": 10, "error/review": 10}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if observed != 40 {
		t.Errorf("%d decisions carried a duration, want 40", observed)
	}
}

// ExampleWebhook counts decisions by outcome, as a Prometheus counter vector would.
func ExampleWebhook() {
	var mu sync.Mutex
	byOutcome := map[admission.Outcome]int{}
	wh := &admission.Webhook{
		Refs: func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			return []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}}, secretspec.Extras{}, nil
		},
		OnDecision: func(_ context.Context, d admission.Decision) {
			mu.Lock()
			defer mu.Unlock()
			byOutcome[d.Outcome]++
		},
	}
	for _, name := range []string{"a", "b"} {
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", strings.NewReader(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"`+name+`","kind":{"version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"default","object":{"metadata":{"name":"`+name+`"},"spec":{"containers":[{"name":"app","image":"busybox"}]}}}}`)))
	}
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", strings.NewReader(`{}`)))
	var keys []string
	for o, n := range byOutcome {
		keys = append(keys, fmt.Sprintf("%s=%d", o, n))
	}
	sort.Strings(keys)
	fmt.Println(strings.Join(keys, " "))
	// Output:
	// error=1 patched=2
}
