package admission_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

// TestDecisionLogs checks that every decision is logged once through the request context's
// logger, with its names and numbers, at the level its outcome calls for, and never with a
// value from the pod.
func TestDecisionLogs(t *testing.T) {
	envRef := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}}
	clash := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	generated := testPod()
	generated.Name, generated.GenerateName = "", "task-"
	common := []string{`"uid"="` + string(uid) + `"`, `"kind"="Pod"`, `"operation"="CREATE"`, `"namespace"="team-a"`, `"duration"=`, `"patchBytes"=`}
	tests := []struct {
		name      string
		refs      admission.RefsFunc
		body      []byte
		verbosity int
		want      []string // in the one line; nil wants no line at all
	}{
		{"admitted, V(1)", fixedRefs(envRef, secretspec.Extras{}, nil), reviewBody(t, admissionv1.Create, testPod()), 1,
			append([]string{`"level"=1 "msg"="admitted"`, `"name"="task"`, `"outcome"="patched"`, `"stage"="patch"`}, common...)},
		{"admitted, not at V(0)", fixedRefs(envRef, secretspec.Extras{}, nil), reviewBody(t, admissionv1.Create, testPod()), 0, nil},
		{"generateName", fixedRefs(nil, secretspec.Extras{}, nil), reviewBody(t, admissionv1.Create, generated), 1,
			append([]string{`"generateName"="task-"`, `"outcome"="unchanged"`}, common...)},
		{"denied", fixedRefs(clash, secretspec.Extras{}, nil), reviewBody(t, admissionv1.Create, testPod()), 0,
			append([]string{`"level"=0 "msg"="denied"`, `"outcome"="denied"`, `"stage"="inject"`, `"reason"="cannot inject the secrets into the pod: `}, common...)},
		{"RefsFunc error", fixedRefs(nil, secretspec.Extras{}, errors.New("no such task")), reviewBody(t, admissionv1.Create, testPod()), 0,
			append([]string{`"msg"="denied"`, `"stage"="refs"`, `no such task`}, common...)},
		{"errored", fixedRefs(nil, secretspec.Extras{}, nil), []byte(`{"apiVersion": dev-token-value`), 0,
			[]string{`"msg"="admission request failed" "error"="the request body is not an AdmissionReview: invalid JSON at byte`, `"outcome"="error"`, `"stage"="review"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			log := funcr.New(func(prefix, args string) { lines = append(lines, args) }, funcr.Options{Verbosity: tt.verbosity})
			req := httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(tt.body))
			req = req.WithContext(logr.NewContext(context.Background(), log))
			admission.NewHandler(tt.refs).ServeHTTP(httptest.NewRecorder(), req)
			if tt.want == nil {
				if len(lines) != 0 {
					t.Errorf("logged %q, want nothing at this verbosity", lines)
				}
				return
			}
			if len(lines) != 1 {
				t.Fatalf("logged %d lines, want 1: %q", len(lines), lines)
			}
			for _, w := range tt.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("log line %s\nlacks %s", lines[0], w)
				}
			}
			if strings.Contains(lines[0], "dev-token-value") {
				t.Error("the log line holds a value from the pod")
			}
		})
	}
}
