package integration

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
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
