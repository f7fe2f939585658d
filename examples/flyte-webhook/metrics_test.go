package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/internal/golden"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// TestMetricsExposition feeds fixed decisions to the hook and compares the exposition with a
// golden file, then checks the histogram's invariants line by line.
func TestMetricsExposition(t *testing.T) {
	m := newMetrics()
	pod := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	job := metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}
	for _, d := range []admission.Decision{
		{Outcome: admission.Patched, Stage: admission.StagePatch, Kind: pod, Duration: 800 * time.Microsecond},
		{Outcome: admission.Patched, Stage: admission.StagePatch, Kind: pod, Duration: 3 * time.Millisecond, Warnings: []string{"w1", "w2"}},
		{Outcome: admission.Unchanged, Stage: admission.StagePatch, Kind: job, Duration: 10 * time.Millisecond},
		{Outcome: admission.Denied, Stage: admission.StagePreflight, Kind: pod, Duration: 4 * time.Second},
		{Outcome: admission.Errored, Stage: admission.StageReview, Kind: metav1.GroupVersionKind{Kind: "Anything\"the\nclient says"}, Duration: time.Millisecond},
	} {
		m.observe(context.Background(), d)
	}
	var out bytes.Buffer
	if err := m.write(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "metrics.golden.txt"), out.Bytes(), *update)
	checkExposition(t, out.String())
}

// checkExposition checks what a Prometheus parser relies on: every sample belongs to a
// family declared by # TYPE before it, histogram buckets are cumulative and end with +Inf,
// which equals _count.
func checkExposition(t *testing.T, text string) {
	t.Helper()
	types := map[string]string{}
	last := map[string]float64{} // series without le -> last bucket value
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			types[name] = typ
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			t.Errorf("line %q: not a sample", line)
			continue
		}
		name, labels, _ := strings.Cut(series, "{")
		family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if types[name] == "" && types[family] != "histogram" {
			t.Errorf("line %q: no # TYPE for %s before it", line, name)
		}
		if strings.HasSuffix(name, "_bucket") {
			at := strings.Index(labels, ",le=")
			key := family + labels[:at]
			if v < last[key] {
				t.Errorf("line %q: bucket smaller than the one before", line)
			}
			last[key] = v
		}
		if strings.HasSuffix(name, "_count") {
			if key := family + strings.TrimSuffix(labels, "}"); last[key] != v {
				t.Errorf("line %q: _count %v, +Inf bucket %v", line, v, last[key])
			}
		}
	}
}

// TestMetricsFromRequests counts real requests through the server's mux.
func TestMetricsFromRequests(t *testing.T) {
	mux, _ := testMux()
	bad := flytePod(t, taskSecrets)
	bad.Annotations["flyte.secrets/s2"] = "not base32!"
	for _, body := range [][]byte{review(t, flytePod(t, taskSecrets)), review(t, flytePod(t, taskSecrets)), review(t, bad), []byte("{")} {
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`podsecrets_admission_decisions_total{outcome="patched",stage="patch",kind="Pod"} 2`,
		`podsecrets_admission_decisions_total{outcome="denied",stage="refs",kind="Pod"} 1`,
		`podsecrets_admission_decisions_total{outcome="error",stage="review",kind="other"} 1`,
		`podsecrets_admission_duration_seconds_count{outcome="patched"} 2`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, rec.Body.String())
		}
	}
	checkExposition(t, rec.Body.String())
}

// TestDenialNamesAnnotation checks that a denial names the pod's annotation, not the
// handler's refs[i].
func TestDenialNamesAnnotation(t *testing.T) {
	m := newMetrics()
	wh := newWebhook(flyte.DefaultConfig(), inject.ConflictFail, m, nil, admission.ForbiddenDeny)
	pod := flytePod(t, taskSecrets)
	pod.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "_FSEC_AWS_ACCESS-KEY", Value: "hand-set"}}
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(review(t, pod))))
	resp := decodeResponse(t, rec.Body.Bytes())
	if resp.Allowed || resp.Result == nil {
		t.Fatal("allowed, want a denial")
	}
	msg := resp.Result.Message
	if !strings.Contains(msg, `annotation flyte.secrets/s0 (group "aws", key "access-key") wants it`) || strings.Contains(msg, "refs[") || strings.Contains(msg, "hand-set") {
		t.Errorf("message %q does not name the annotation (or quotes the value)", msg)
	}
}
