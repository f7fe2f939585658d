package integration

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/integration/internal/noopwebhook"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// The webhook latency comparison (DESIGN.md, "One pipeline…", performance bounds): pod CREATE
// through podsecrets' webhook against the same pods through a no-op webhook, on this API server.
const (
	latencyPods        = 300 // pods per run
	latencyConcurrency = 8   // creates in flight
	latencyRuns        = 3   // runs per webhook, alternating noop, podsecrets, noop, …; see runsWanted
	latencyWarmup      = 24  // pods per webhook before the first run, not timed
	latencyReportTag   = "webhook-latency:"
)

// testWebhookLatency reports pod CREATE latency through podsecrets' admission handler against a
// no-op webhook, both in this process (with, between them, the no-op answering podsecrets' patch
// computed once), and through examples/flyte-webhook served as a process against the no-op
// webhook served as a process with the same certificate. It asserts the pods (every pod through
// a mutating target has podsecrets' mutation, every pod through the no-op none), never the
// times: the figures are logged as "webhook-latency: …" lines (go test -v; BENCHMARKS.md).
func testWebhookLatency(t *testing.T, c *cluster) {
	t.Run("InProcess", func(t *testing.T) {
		noop := inProcessTarget(t, "noop", noopwebhook.Handler{}, false)
		// The no-op answering with podsecrets' patch of the pod, computed once: what the
		// mutation itself costs the API server, apart from what podsecrets spends computing it.
		static := inProcessTarget(t, "static-patch", noopwebhook.Handler{Patch: latencyPatch(t)}, true)
		ps := inProcessTarget(t, "podsecrets", &admission.Webhook{
			Refs:    flyte.PodRefs(flyte.DefaultConfig()),
			Options: []inject.Option{inject.WithConflictPolicy(inject.ConflictKeepExisting)},
		}, true)
		c.compareLatency(t, "in-process", noop, static, ps)
	})
	t.Run("Process", func(t *testing.T) {
		dir := t.TempDir()
		bin := c.buildExample(t, "flyte-webhook")
		runProgram(t, bin, "init-certs", "--out-dir", dir)
		cert, key, ca := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"), filepath.Join(dir, "ca.crt")
		noop := processTarget(t, "noop", ca, false, c.buildNoopWebhook(t), "--addr", "127.0.0.1:0", "--cert", cert, "--key", key)
		ps := processTarget(t, "podsecrets", ca, true, bin, "serve", "--addr", "127.0.0.1:0", "--cert", cert, "--key", key)
		c.compareLatency(t, "process examples/flyte-webhook", noop, ps)
	})
}

// latencyRun is the outcome of one run.
type latencyRun struct {
	times []time.Duration // each create's latency, sorted
	cpu   time.Duration   // this process's CPU time (user and system) during the creates
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of the run's latencies.
func (r latencyRun) percentile(p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(r.times)))) - 1
	return r.times[max(i, 0)]
}

// cpuTime is the CPU time, user and system, this process has used so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// createPods creates n pods named <prefix>-<i> in ns through whatever webhook selects ns,
// concurrency at a time, and returns each create's latency, sorted. The pods are made before
// and checked after the timed creates: every stored pod must hold want (checkLatencyPod); a
// failed create or a wrong pod fails t.
func (c *cluster) createPods(t *testing.T, ns, prefix string, n int, want *corev1.PodSpec) latencyRun {
	t.Helper()
	client := c.client.CoreV1().Pods(ns)
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		pods[i] = latencyPod(t, fmt.Sprintf("%s-%03d", prefix, i))
	}
	stored := make([]*corev1.Pod, n)
	errs := make([]error, n)
	times := make([]time.Duration, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	cpu := cpuTime(t)
	for range latencyConcurrency {
		wg.Go(func() {
			for i := range next {
				began := time.Now()
				stored[i], errs[i] = client.Create(context.Background(), pods[i], metav1.CreateOptions{})
				times[i] = time.Since(began)
			}
		})
	}
	wg.Wait()
	cpu = cpuTime(t) - cpu
	var problems []string
	for i, pod := range pods {
		if errs[i] != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", pod.Name, errs[i]))
		} else if diff := checkLatencyPod(want, stored[i]); diff != "" {
			problems = append(problems, fmt.Sprintf("%s: stored pod (-want +got):\n%s", pod.Name, diff))
		}
	}
	if len(problems) > 0 {
		t.Fatalf("%d of %d pods in %s went wrong; the first: %s", len(problems), n, ns, problems[0])
	}
	slices.Sort(times)
	return latencyRun{times: times, cpu: cpu}
}

// compareLatency times pod CREATE through each subject against noop, each target in a
// namespace of its own that only its webhook selects (all registered for the whole
// comparison): a warm-up, then runsWanted runs of latencyPods pods each, alternating noop,
// subjects…, noop, …, at latencyConcurrency. It logs each run's p50 and p99, and for each
// subject, against noop and every subject before it, the medians over the runs and their
// ratios, in one line starting with latencyReportTag. When both are served in this process the
// line also gives the CPU time a create costs the whole system (this process: client, API
// server, etcd, webhook), steadier than latency on a loaded machine.
func (c *cluster) compareLatency(t *testing.T, label string, noop latencyTarget, subjects ...latencyTarget) {
	t.Helper()
	targets := append([]latencyTarget{noop}, subjects...)
	namespaces := make([]string, len(targets))
	wants := make([]*corev1.PodSpec, len(targets))
	for i, tg := range targets {
		namespaces[i] = c.namespace(t)
		c.registerLatencyWebhook(t, namespaces[i], tg)
		wants[i] = latencyWant(t, latencyPod(t, "want"), tg.mutates)
		c.createPods(t, namespaces[i], "warmup", latencyWarmup, wants[i])
	}
	p50s := make([][]time.Duration, len(targets))
	p99s := make([][]time.Duration, len(targets))
	cpus := make([][]time.Duration, len(targets))
	runs := runsWanted(t)
	for run := range runs {
		for i, tg := range targets {
			r := c.createPods(t, namespaces[i], fmt.Sprintf("run%d", run), latencyPods, wants[i])
			p50s[i], p99s[i] = append(p50s[i], r.percentile(50)), append(p99s[i], r.percentile(99))
			cpus[i] = append(cpus[i], r.cpu/latencyPods)
			t.Logf("%s run %d %s: p50 %v p99 %v max %v, this process's CPU %v a create", label, run+1, tg.name,
				ms(r.percentile(50)), ms(r.percentile(99)), ms(r.times[len(r.times)-1]), us(r.cpu/latencyPods))
		}
	}
	p50, p99, cpu := make([]time.Duration, len(targets)), make([]time.Duration, len(targets)), make([]time.Duration, len(targets))
	for i := range targets {
		p50[i], p99[i], cpu[i] = median(p50s[i]), median(p99s[i]), median(cpus[i])
	}
	for i := 1; i < len(targets); i++ {
		for j := range i {
			report := fmt.Sprintf("%s %s %s/%s: n=%d concurrency=%d median of %d runs: p50 %v/%v = %.2fx, p99 %v/%v = %.2fx",
				latencyReportTag, label, targets[i].name, targets[j].name, latencyPods, latencyConcurrency, runs,
				ms(p50[i]), ms(p50[j]), ratio(p50[i], p50[j]), ms(p99[i]), ms(p99[j]), ratio(p99[i], p99[j]))
			if targets[i].inProcess && targets[j].inProcess {
				report += fmt.Sprintf(", cpu/create %v/%v = %.2fx", us(cpu[i]), us(cpu[j]), ratio(cpu[i], cpu[j]))
			}
			if j == 0 {
				report += " (goal p50 <= 1.05x, p99 <= 1.2x)"
			}
			t.Log(report + "; load " + loadAverage())
		}
	}
}

// runsWanted is latencyRuns, or the odd number PODSECRETS_LATENCY_RUNS asks for: more runs
// narrow the medians on a machine that other work keeps busy.
func runsWanted(t *testing.T) int {
	v := os.Getenv("PODSECRETS_LATENCY_RUNS")
	if v == "" {
		return latencyRuns
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n%2 == 0 {
		t.Fatalf("PODSECRETS_LATENCY_RUNS=%q: want an odd number of runs, 1 or more", v)
	}
	return n
}

// ratio is a/b.
func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// median is the middle of ds (of an odd count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// ms rounds a latency for the report.
func ms(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

// us rounds a CPU time for the report.
func us(d time.Duration) time.Duration { return d.Round(time.Microsecond) }

// loadAverage is the machine's load average over 1, 5 and 15 minutes, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
