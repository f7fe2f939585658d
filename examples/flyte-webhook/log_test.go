package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// TestLogsAndMetricsHoldNoValues serves a pod whose own variable holds a value and one whose
// request is served from a global secret, with every decision logged: the JSON log lines
// name the pods and the reasons, and neither they nor /metrics hold either value.
func TestLogsAndMetricsHoldNoValues(t *testing.T) {
	const literal, global = "pod-literal-value-8c1f", "global-secret-value-3e9a"
	env := cli.Env{Getenv: func(name string) string {
		if name == "FLYTE_SECRET_DB_PASSWORD" {
			return global
		}
		return ""
	}}
	cfg, err := loadConfig(env, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	m := newMetrics()
	wh := newWebhook(cfg, inject.ConflictFail, m, nil, admission.ForbiddenDeny)
	ctx := logr.NewContext(context.Background(), newLogger(&logs, 1))

	clash := flytePod(t, taskSecrets)
	clash.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "_FSEC_AWS_ACCESS-KEY", Value: literal}}
	globalPod := flytePod(t, []flyte.Secret{{Group: "db", Key: "password", MountRequirement: flyte.MountEnvVar}})
	globalPod.Name = "global"
	var responses []string
	for _, p := range []*corev1.Pod{clash, globalPod} {
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(review(t, p))).WithContext(ctx))
		responses = append(responses, rec.Body.String())
	}
	if !strings.Contains(string(decodeResponse(t, []byte(responses[1])).Patch), global) {
		t.Fatal("the global secret did not reach the patch: the test tests nothing")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"denied"`) || !strings.Contains(lines[0], `"name":"task"`) || !strings.Contains(lines[1], `"msg":"admitted"`) || !strings.Contains(lines[1], `"name":"global"`) {
		t.Errorf("log lines %q, want a denial of task and an admission of global", lines)
	}
	var metrics bytes.Buffer
	if err := m.write(&metrics); err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"logs": logs.String(), "metrics": metrics.String(), "denial": responses[0]} {
		if strings.Contains(text, literal) || strings.Contains(text, global) {
			t.Errorf("%s hold a value", what)
		}
	}
}
