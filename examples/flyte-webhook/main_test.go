package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/internal/golden"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func runCmd(ctx context.Context, env cli.Env, args ...string) (string, error) {
	var out bytes.Buffer
	if env.Stdout == nil {
		env.Stdout = &out
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	err := run(ctx, env, args)
	return out.String(), err
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestInitCerts checks that the serving certificate chains to the CA for every
// Service name and 127.0.0.1, with ECDSA P-256 keys and a private key file only its
// owner can read; and that --secret stores the same files in a TLS Secret.
func TestInitCerts(t *testing.T) {
	dir := t.TempDir()
	client := fake.NewClientset()
	out, err := runCmd(context.Background(), cli.Env{Client: client},
		"init-certs", "--service", "wh", "--namespace", "flyte", "--out-dir", dir, "--secret", "wh-certs")
	if err != nil {
		t.Fatalf("init-certs: %v", err)
	}
	if !strings.Contains(out, "secret flyte/wh-certs created: ca.crt (") {
		t.Errorf("output does not report the Secret:\n%s", out)
	}
	ca, leaf := readCert(t, filepath.Join(dir, "ca.crt")), readCert(t, filepath.Join(dir, "tls.crt"))
	if !ca.IsCA {
		t.Error("ca.crt is not a CA")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"wh", "wh.flyte", "wh.flyte.svc", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	for _, c := range []*x509.Certificate{ca, leaf} {
		if k, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
			t.Errorf("%s: key is not ECDSA P-256", c.Subject.CommonName)
		}
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")); err != nil {
		t.Errorf("key pair: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "tls.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("tls.key mode: %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	s, err := client.CoreV1().Secrets("flyte").Get(context.Background(), "wh-certs", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != corev1.SecretTypeTLS {
		t.Errorf("Secret type %q, want %q", s.Type, corev1.SecretTypeTLS)
	}
	for _, f := range []string{"ca.crt", "tls.crt", "tls.key"} {
		disk, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(disk, s.Data[f]) {
			t.Errorf("Secret key %s differs from the file", f)
		}
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"config-url.golden.yaml", []string{"config", "--url", "https://127.0.0.1:43123/mutate", "--ca-file", "testdata/ca.crt"}},
		{"config-service.golden.yaml", []string{"config", "--ca-file", "testdata/ca.crt", "--service", "flyte-pod-webhook", "--namespace", "flyte"}},
		{"config-all-kinds.golden.yaml", []string{"config", "--url", "https://127.0.0.1:43123/mutate", "--ca-file", "testdata/ca.crt", "--kinds", "all"}},
		{"config-some-kinds.golden.yaml", []string{"config", "--url", "https://127.0.0.1:43123/mutate", "--ca-file", "testdata/ca.crt", "--kinds", "jobs,pods,deployments,cronjobs,jobs"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, err := runCmd(context.Background(), cli.Env{}, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), []byte(out), *update)
		})
	}
}

func TestConfigApply(t *testing.T) {
	client := fake.NewClientset()
	env := cli.Env{Client: client}
	args := []string{"config", "--apply", "--url", "https://127.0.0.1:8443/mutate", "--ca-file", "testdata/ca.crt"}
	for _, want := range []string{"created", "updated"} {
		out, err := runCmd(context.Background(), env, args...)
		if err != nil {
			t.Fatal(err)
		}
		if out != "mutatingwebhookconfiguration flyte-pod-webhook "+want+"\n" {
			t.Errorf("output %q, want %s", out, want)
		}
	}
	cfg, err := client.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(context.Background(), "flyte-pod-webhook", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := *cfg.Webhooks[0].ClientConfig.URL; got != "https://127.0.0.1:8443/mutate" {
		t.Errorf("url %q", got)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no ca", []string{"config"}, "want --ca-file"},
		{"http url", []string{"config", "--ca-file", "testdata/ca.crt", "--url", "http://127.0.0.1/mutate"}, "https URL"},
		{"not a cert", []string{"config", "--ca-file", "main.go"}, "not a PEM certificate"},
		{"bad port", []string{"config", "--ca-file", "testdata/ca.crt", "--port", "0"}, "--port"},
		{"unknown kind", []string{"config", "--ca-file", "testdata/ca.crt", "--kinds", "pods,services"}, `--kinds takes all or a comma-separated list of pods, podtemplates, replicationcontrollers, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs; got "services"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(context.Background(), cli.Env{}, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// flytePod is a pod as Flyte's propeller creates it for a task requesting two secrets.
func flytePod(t testing.TB, secrets []flyte.Secret) *corev1.Pod {
	t.Helper()
	annotations, err := flyte.EncodeAnnotations(secrets)
	if err != nil {
		t.Fatal(err)
	}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "task", Labels: map[string]string{flyte.PodLabel: flyte.PodLabelValue}, Annotations: annotations},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "primary", Image: "flytekit:py3.12"}}},
	}
}

var taskSecrets = []flyte.Secret{
	{Group: "aws", Key: "access-key", MountRequirement: flyte.MountEnvVar},
	{Group: "aws", Key: "secret-key", MountRequirement: flyte.MountFile, EnvVar: "AWS_SECRET_FILE"},
}

// review wraps pod in an AdmissionReview for a CREATE.
func review(t testing.TB, pod *corev1.Pod) []byte {
	t.Helper()
	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       "0df28fbd-5f5f-4a2c-8b5a-2d9d8f6f6b1e",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Operation: admissionv1.Create,
			Namespace: "flytesnacks-development",
			Object:    runtime.RawExtension{Raw: raw},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func decodeResponse(t *testing.T, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	var r admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("response is not an AdmissionReview: %v", err)
	}
	if r.Response == nil {
		t.Fatal("no response in the AdmissionReview")
	}
	return r.Response
}

// testMux is the server's mux as serve builds it by default.
func testMux() (*http.ServeMux, *metrics) {
	var ready atomic.Bool
	ready.Store(true)
	m := newMetrics()
	return newMux(newWebhook(flyte.DefaultConfig(), inject.ConflictKeepExisting, m, nil, admission.ForbiddenDeny), m, &ready), m
}

// TestMutate sends reviews to the handler: a pod with valid requests gets its patch, a
// pod with an annotation that is not a Flyte request is denied with the reason.
func TestMutate(t *testing.T) {
	mux, _ := testMux()

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(review(t, flytePod(t, taskSecrets)))))
	resp := decodeResponse(t, rec.Body.Bytes())
	if !resp.Allowed || resp.UID != "0df28fbd-5f5f-4a2c-8b5a-2d9d8f6f6b1e" {
		t.Fatalf("allowed %v, uid %q; want allowed with the request's uid", resp.Allowed, resp.UID)
	}
	var patch []map[string]any
	if err := json.Unmarshal(resp.Patch, &patch); err != nil {
		t.Fatalf("patch: %v", err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, resp.Patch, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "mutate-patch.golden.json"), []byte(indented.String()+"\n"), *update)

	bad := flytePod(t, taskSecrets)
	bad.Annotations["flyte.secrets/s2"] = "this is not base32!"
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(review(t, bad))))
	resp = decodeResponse(t, rec.Body.Bytes())
	if resp.Allowed || resp.Result == nil || resp.Result.Code != 400 || !strings.Contains(resp.Result.Message, "flyte.secrets/s2") {
		t.Errorf("bad annotation: allowed %v, result %+v; want a denial naming flyte.secrets/s2", resp.Allowed, resp.Result)
	}
	if strings.Contains(resp.Result.Message, "this is not base32") {
		t.Error("the denial quotes the annotation's value")
	}
}

// lineWriter collects output and delivers its first line on a channel.
type lineWriter struct {
	first chan string
	buf   bytes.Buffer
	sent  bool
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if !w.sent {
		if line, err := bufio.NewReader(bytes.NewReader(w.buf.Bytes())).ReadString('\n'); err == nil {
			w.sent = true
			w.first <- strings.TrimSuffix(line, "\n")
		}
	}
	return len(p), nil
}

// TestServe runs the server on 127.0.0.1:0 over TLS, talks to every endpoint through
// a client that trusts only the generated CA, and shuts it down by ending the context.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(context.Background(), cli.Env{}, "init-certs", "--out-dir", dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &lineWriter{first: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, cli.Env{Stdout: stdout, Stderr: io.Discard},
			[]string{"serve", "--addr", "127.0.0.1:0", "--cert", filepath.Join(dir, "tls.crt"), "--key", filepath.Join(dir, "tls.key")})
	}()
	var addr string
	select {
	case line := <-stdout.first:
		addr = strings.TrimPrefix(line, "listening on ")
		if addr == line {
			t.Fatalf("first line %q, want \"listening on ADDR\"", line)
		}
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		t.Fatalf("address %q", addr)
	}

	roots := x509.NewCertPool()
	roots.AddCert(readCert(t, filepath.Join(dir, "ca.crt")))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := client.Get("https://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", path, resp.Status)
		}
	}
	resp, err := client.Post("https://"+addr+"/mutate", "application/json", bytes.NewReader(review(t, flytePod(t, taskSecrets))))
	if err != nil {
		t.Fatalf("POST /mutate: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r := decodeResponse(t, body); !r.Allowed || len(r.Patch) == 0 {
		t.Errorf("POST /mutate over TLS: allowed %v, %d patch bytes", r.Allowed, len(r.Patch))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop within a minute of the context ending")
	}
}

// BenchmarkMutate measures the handler alone: an AdmissionReview for a pod with two
// Flyte secret requests in, the response with its JSON patch out.
func BenchmarkMutate(b *testing.B) {
	mux, _ := testMux()
	body := review(b, flytePod(b, taskSecrets))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
