package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/podsecrets/podsecrets/inject/admission"
)

// The webhook's metrics are written in the Prometheus text exposition format (version
// 0.0.4) by the few lines below rather than with prometheus/client_golang: three metric
// families do not justify a dependency that the library's go.mod must not carry (the
// example would need a module of its own, and the integration suite a second build of it).

// nBuckets is the number of bounded buckets of the duration histogram.
const nBuckets = 11

// durationBuckets are the upper bounds, in seconds, of the duration histogram's buckets.
func durationBuckets() [nBuckets]float64 {
	return [nBuckets]float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
}

// decisionKey is one series of the decisions counter.
type decisionKey struct{ outcome, stage, kind string }

// histogram is one series of the duration histogram: counts per bucket (not cumulative),
// the overflow, the sum.
type histogram struct {
	buckets [nBuckets + 1]uint64
	sum     float64
}

// metrics counts the admission handler's decisions, fed by its OnDecision hook.
type metrics struct {
	mu        sync.Mutex
	decisions map[decisionKey]uint64
	durations map[string]*histogram // by outcome
	warnings  uint64
}

func newMetrics() *metrics {
	return &metrics{decisions: map[decisionKey]uint64{}, durations: map[string]*histogram{}}
}

// kindLabel is the request's kind for a label: a kind the handler admits, or "other" (an
// errored request may name any kind, which must not make a new series).
func kindLabel(d *admission.Decision) string {
	for _, k := range admission.Kinds() {
		if k == d.Kind {
			return k.Kind
		}
	}
	return "other"
}

// observe is the Webhook's OnDecision.
func (m *metrics) observe(_ context.Context, d admission.Decision) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.decisions[decisionKey{string(d.Outcome), string(d.Stage), kindLabel(&d)}]++
	h := m.durations[string(d.Outcome)]
	if h == nil {
		h = &histogram{}
		m.durations[string(d.Outcome)] = h
	}
	s := d.Duration.Seconds()
	bounds := durationBuckets()
	i, _ := slices.BinarySearch(bounds[:], s) // the first bound >= s; nBuckets is the overflow
	h.buckets[i]++
	h.sum += s
	m.warnings += uint64(len(d.Warnings))
}

// ServeHTTP writes every series, sorted, in the text exposition format.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_ = m.write(w)
}

func (m *metrics) write(w io.Writer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP podsecrets_admission_decisions_total Admission requests by outcome (patched, unchanged, denied, error), the stage that decided and the kind.\n")
	b.WriteString("# TYPE podsecrets_admission_decisions_total counter\n")
	keys := make([]decisionKey, 0, len(m.decisions))
	for k := range m.decisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b decisionKey) int {
		return strings.Compare(a.outcome+"\x00"+a.stage+"\x00"+a.kind, b.outcome+"\x00"+b.stage+"\x00"+b.kind)
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "podsecrets_admission_decisions_total{outcome=%q,stage=%q,kind=%q} %d\n", k.outcome, k.stage, k.kind, m.decisions[k])
	}
	b.WriteString("# HELP podsecrets_admission_duration_seconds Time from an admission request's first byte to its response, by outcome.\n")
	b.WriteString("# TYPE podsecrets_admission_duration_seconds histogram\n")
	for _, o := range slices.Sorted(maps.Keys(m.durations)) {
		h := m.durations[o]
		var cum uint64
		for i, le := range durationBuckets() {
			cum += h.buckets[i]
			fmt.Fprintf(&b, "podsecrets_admission_duration_seconds_bucket{outcome=%q,le=%q} %d\n", o, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		cum += h.buckets[nBuckets]
		fmt.Fprintf(&b, "podsecrets_admission_duration_seconds_bucket{outcome=%q,le=\"+Inf\"} %d\n", o, cum)
		fmt.Fprintf(&b, "podsecrets_admission_duration_seconds_sum{outcome=%q} %s\n", o, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "podsecrets_admission_duration_seconds_count{outcome=%q} %d\n", o, cum)
	}
	b.WriteString("# HELP podsecrets_admission_warnings_total Admission warnings sent back (optional secrets missing, secrets the webhook may not read).\n")
	b.WriteString("# TYPE podsecrets_admission_warnings_total counter\n")
	fmt.Fprintf(&b, "podsecrets_admission_warnings_total %d\n", m.warnings)
	_, err := io.WriteString(w, b.String())
	return err
}
