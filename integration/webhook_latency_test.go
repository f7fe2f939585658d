package integration

import (
	"context"
	"encoding/pem"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/integration/internal/noopwebhook"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// The webhook latency comparison (DESIGN.md, "One pipeline…", performance bounds): pod CREATE
// through podsecrets' webhook against the same pods through a no-op webhook, on this API server.
const (
	latencyPods        = 300 // pods per run
	latencyConcurrency = 8   // creates in flight
	latencyRuns        = 3   // runs per webhook, alternating noop, podsecrets, noop, …
	latencyWarmup      = 24  // pods per webhook before the first run, not timed
	latencyReportTag   = "webhook-latency:"
)

// latencyTarget is a webhook the harness times pod CREATE through: anything serving
// AdmissionReview v1 at url (https) with a certificate that ca (PEM) verifies. The harness
// registers every target the same way (registerLatencyWebhook), so a target is only where it
// is served: in this process (inProcessTarget) or by a process (processTarget).
type latencyTarget struct {
	name string // in the report and the webhook's name: "noop", "podsecrets"
	url  string
	ca   []byte
	// mutates says what every pod through it must look like: podsecrets' mutation of the
	// Flyte requests (latencyRequests), or, when false, unchanged.
	mutates bool
	// inProcess is set when this process serves it, so that this process's CPU time covers
	// everything a pod create costs: client, API server, etcd and webhook.
	inProcess bool
}

// testWebhookLatency reports pod CREATE latency through podsecrets' admission handler against a
// no-op webhook, both in this process, and through examples/flyte-webhook served as a process
// against the no-op webhook served as a process with the same certificate. It asserts the pods
// (every pod through podsecrets has its secrets, every pod through the no-op none), never the
// times: the figures are logged as "webhook-latency: …" lines (go test -v; BENCHMARKS.md).
func testWebhookLatency(t *testing.T, c *cluster) {
	t.Run("InProcess", func(t *testing.T) {
		noop := inProcessTarget(t, "noop", noopwebhook.Handler{}, false)
		ps := inProcessTarget(t, "podsecrets", &admission.Webhook{
			Refs:    latencyRefs(flyte.DefaultConfig()),
			Options: []inject.Option{inject.WithConflictPolicy(inject.ConflictKeepExisting)},
		}, true)
		c.compareLatency(t, "in-process", noop, ps)
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

// inProcessTarget serves h over TLS on 127.0.0.1 in this process until t ends.
func inProcessTarget(t *testing.T, name string, h http.Handler, mutates bool) latencyTarget {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/mutate", h)
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true // as a webhook program's http.Server.ServeTLS offers it
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return latencyTarget{
		name:      name,
		url:       srv.URL + "/mutate",
		ca:        pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}),
		mutates:   mutates,
		inProcess: true,
	}
}

// processTarget starts bin with args, a program that serves /mutate over TLS with a certificate
// that the CA in file caFile signs and prints "listening on ADDR" first; it is stopped when t
// ends (after its registration is gone: registrations are cleaned up first).
func processTarget(t *testing.T, name, caFile string, mutates bool, bin string, args ...string) latencyTarget {
	t.Helper()
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	line := startProgram(t, bin, args...)
	addr, ok := strings.CutPrefix(line, "listening on ")
	if !ok {
		t.Fatalf("%s: first line %q, want \"listening on ADDR\"", filepath.Base(bin), line)
	}
	return latencyTarget{name: name, url: "https://" + addr + "/mutate", ca: ca, mutates: mutates}
}

// buildNoopWebhook builds cmd/noop-webhook of this module once per cluster.
func (c *cluster) buildNoopWebhook(t *testing.T) string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	const key = "integration/cmd/noop-webhook"
	if bin, ok := c.examples[key]; ok {
		return bin
	}
	bin := filepath.Join(c.binDir, "noop-webhook")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/noop-webhook").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/noop-webhook: %v\n%s", err, out)
	}
	c.examples[key] = bin
	return bin
}

// latencyRefs is a Flyte pod webhook's RefsFunc under cfg: the pod's flyte.secrets/sN requests,
// planned for cfg's manager.
func latencyRefs(cfg flyte.Config) admission.RefsFunc {
	return func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		secrets, err := flyte.DecodeAnnotations(pod.Annotations)
		if err != nil {
			return nil, secretspec.Extras{}, err
		}
		refs, x, err := flyte.Plan(secrets, cfg)
		if err != nil {
			return nil, secretspec.Extras{}, err
		}
		return refs, flyte.KeepPodAnnotations(x, pod.Annotations), nil
	}
}

// latencyRequests are every timed pod's Flyte secret requests: variables and files of two
// K8s Secrets.
var latencyRequests = []flyte.Secret{
	{Group: "aws", Key: "access_key_id", MountRequirement: flyte.MountEnvVar},
	{Group: "aws", Key: "secret_access_key", MountRequirement: flyte.MountEnvVar, EnvVar: "AWS_SECRET_ACCESS_KEY"},
	{Group: "db", Key: "password", MountRequirement: flyte.MountFile},
	{Group: "db", Key: "ca.crt", MountRequirement: flyte.MountFile, EnvVar: "DB_CA_FILE"},
}

// latencyPod is a Flyte task pod with latencyRequests in its annotations.
func latencyPod(t *testing.T, name string) *corev1.Pod {
	t.Helper()
	annotations, err := flyte.EncodeAnnotations(latencyRequests)
	if err != nil {
		t.Fatalf("EncodeAnnotations: %v", err)
	}
	resources := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Labels:      map[string]string{flyte.PodLabel: "true", "execution-id": "a7m2kx9", "node-id": "n0", "project": "flytesnacks", "domain": "development"},
			Annotations: annotations,
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:  "task",
				Image: "registry.example/flytekit:py3.11",
				Args:  []string{"pyflyte-execute", "--inputs", "s3://bucket/metadata/inputs.pb", "--output-prefix", "s3://bucket/metadata/n0/data/0"},
				Env: []corev1.EnvVar{
					{Name: "FLYTE_INTERNAL_EXECUTION_ID", Value: "a7m2kx9"},
					{Name: "FLYTE_INTERNAL_EXECUTION_PROJECT", Value: "flytesnacks"},
					{Name: "FLYTE_INTERNAL_EXECUTION_DOMAIN", Value: "development"},
					{Name: "FLYTE_ATTEMPT_NUMBER", Value: "0"},
				},
				Resources: corev1.ResourceRequirements{Requests: resources, Limits: resources},
			}},
		},
	}
}

// latencyProbe is a pod every target denies: the no-op by its name, a Flyte webhook by its
// malformed request.
func latencyProbe(t *testing.T) *corev1.Pod {
	p := latencyPod(t, noopwebhook.ProbeName)
	p.Annotations = map[string]string{"flyte.secrets/s0": "this is not base32!"}
	return p
}

// latencyWant is what a pod through a target must hold of what webhooks change: podsecrets'
// mutation of the Flyte requests, computed by the library, or the pod unchanged.
func latencyWant(t *testing.T, pod *corev1.Pod, mutates bool) *corev1.PodSpec {
	t.Helper()
	if !mutates {
		return &pod.Spec
	}
	refs, x, err := flyte.Plan(latencyRequests, flyte.DefaultConfig())
	if err != nil {
		t.Fatalf("flyte.Plan: %v", err)
	}
	want, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}, refs,
		inject.WithExtras(x), inject.WithConflictPolicy(inject.ConflictKeepExisting))
	if err != nil {
		t.Fatalf("inject.ApplyTemplate: %v", err)
	}
	return &want.Spec
}

// checkLatencyPod says how got, as the API server stored it, differs from want in what a
// webhook changes (variables, mounts, volumes; the server's defaults ignored); "" if not.
func checkLatencyPod(want *corev1.PodSpec, got *corev1.Pod) string {
	if len(got.Spec.Containers) != len(want.Containers) {
		return fmt.Sprintf("%d containers, want %d", len(got.Spec.Containers), len(want.Containers))
	}
	type changed struct {
		Env    [][]corev1.EnvVar
		Mounts [][]corev1.VolumeMount
		Vols   []corev1.Volume
	}
	view := func(s *corev1.PodSpec) changed {
		var v changed
		for _, c := range s.Containers {
			v.Env, v.Mounts = append(v.Env, c.Env), append(v.Mounts, c.VolumeMounts)
		}
		v.Vols = s.Volumes
		return v
	}
	return cmp.Diff(view(want), view(&got.Spec), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(corev1.SecretVolumeSource{}, "DefaultMode"))
}

// registerLatencyWebhook registers tg for pod CREATE in namespace ns only, as every target is
// registered, and waits until the API server calls it (a dry run of latencyProbe is denied by
// it). The registration is deleted when t ends, before a process target stops.
func (c *cluster) registerLatencyWebhook(t *testing.T, ns string, tg latencyTarget) {
	t.Helper()
	url := tg.url
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	name := tg.name + ".latency.podsecrets.io"
	cfg := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "latency-" + tg.name + "-" + ns},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:         name,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: tg.ca},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: ns}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](10),
		}},
	}
	configs := c.client.AdmissionregistrationV1().MutatingWebhookConfigurations()
	if _, err := configs.Create(context.Background(), cfg, metav1.CreateOptions{}); err != nil {
		t.Fatalf("registering webhook %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := configs.Delete(context.Background(), cfg.Name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("deleting webhook configuration %s: %v", cfg.Name, err)
		}
	})
	probe := latencyProbe(t)
	denied := fmt.Sprintf("admission webhook %q denied the request", name)
	c.waitFor(t, "the API server to call webhook "+name, func(ctx context.Context) (bool, error) {
		_, err := c.client.CoreV1().Pods(ns).Create(ctx, probe, dryRunAll)
		return err != nil && strings.Contains(err.Error(), denied), nil
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

// compareLatency times pod CREATE through subject against noop, each in a namespace of its
// own that only its webhook selects (both registered for the whole comparison): a warm-up,
// then latencyRuns runs of latencyPods pods each, alternating noop, subject, noop, …, at
// latencyConcurrency. It logs each run's p50 and p99, and the medians over the runs with
// subject's ratios to noop's, in one line starting with latencyReportTag. When both are served
// in this process it also reports the CPU time a create costs the whole system (this process:
// client, API server, etcd, webhook), which, unlike latency, a loaded machine hardly changes.
func (c *cluster) compareLatency(t *testing.T, label string, noop, subject latencyTarget) {
	t.Helper()
	targets := []latencyTarget{noop, subject}
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
	for run := range latencyRuns {
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
	cpuReport := "cpu/create n/a (served by processes)"
	if noop.inProcess && subject.inProcess {
		cpuReport = fmt.Sprintf("cpu/create noop=%v %s=%v ratio=%.2fx", us(cpu[0]), subject.name, us(cpu[1]), float64(cpu[1])/float64(cpu[0]))
	}
	t.Logf("%s %s: n=%d concurrency=%d median of %d runs: noop p50=%v p99=%v %s p50=%v p99=%v ratio p50=%.2fx p99=%.2fx (goal p50<=1.05x p99<=1.2x) %s load %s",
		latencyReportTag, label, latencyPods, latencyConcurrency, latencyRuns, ms(p50[0]), ms(p99[0]), subject.name, ms(p50[1]), ms(p99[1]),
		float64(p50[1])/float64(p50[0]), float64(p99[1])/float64(p99[0]), cpuReport, loadAverage())
}

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
