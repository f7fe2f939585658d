package admission_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"golang.org/x/crypto/ssh"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// benchServe runs one webhook call per iteration: body in, response out, allowed.
func benchServe(b *testing.B, h http.Handler, body []byte, ctx context.Context) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)).WithContext(ctx)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"allowed":true`)) {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
}

// benchSecrets holds every Secret benchfixture.Refs names, with every key they read (a real
// private key for GitSSH, a docker config for pull secrets).
func benchSecrets(b *testing.B, refs []secretspec.Ref) fakeSecrets {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		b.Fatal(err)
	}
	key := pem.EncodeToMemory(block)
	s := fakeSecrets{}
	for _, r := range refs {
		sec := s[r.Secret]
		if sec == nil {
			sec = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: r.Secret, Namespace: "team-a"}, Data: map[string][]byte{}}
			s[r.Secret] = sec
		}
		if r.As == secretspec.PullSecret {
			sec.Type = corev1.SecretTypeDockerConfigJson
			sec.Data[corev1.DockerConfigJsonKey] = []byte(`{"auths":{}}`)
		}
		if r.Key != "" {
			sec.Data[r.Key] = []byte("value")
		}
		if r.As == secretspec.GitSSH {
			sec.Data[cmp.Or(r.Key, "ssh-privatekey")] = key
		}
		for _, it := range r.Items {
			sec.Data[it.Key] = []byte("value")
		}
	}
	return s
}

// BenchmarkHandler is one webhook call: an AdmissionReview in (a realistic pod, 10 refs of
// every delivery), the response with its JSON patch out. "baseline" is the least any
// webhook does (decode the review and its pod, encode a response), measured in the same run
// for the ratios in BENCHMARKS.md; "logged+hook" adds a logger at V(1) and a decision hook;
// "flyte-<manager>" is the same pod with three Flyte requests through flyte.Plan for each
// manager; "deployment" is the same template in a Deployment.
func BenchmarkHandler(b *testing.B) {
	refs := benchfixture.Refs()
	fixed := func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		return refs, secretspec.Extras{}, nil
	}
	body := reviewBody(b, admissionv1.Create, benchfixture.Pod())
	bg := context.Background()
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var in admissionv1.AdmissionReview
			var pod corev1.Pod
			if json.Unmarshal(body, &in) != nil || json.Unmarshal(in.Request.Object.Raw, &pod) != nil {
				b.Fatal("decode")
			}
			out, err := json.Marshal(&admissionv1.AdmissionReview{TypeMeta: in.TypeMeta, Response: &admissionv1.AdmissionResponse{UID: in.Request.UID, Allowed: true}})
			if err != nil || len(out) == 0 {
				b.Fatal("encode")
			}
		}
	})
	b.Run("pod", func(b *testing.B) { benchServe(b, admission.NewHandler(fixed), body, bg) })
	b.Run("logged+hook", func(b *testing.B) {
		var n int
		wh := &admission.Webhook{Refs: fixed, OnDecision: func(context.Context, admission.Decision) { n++ }}
		ctx := logr.NewContext(bg, funcr.New(func(_, args string) { _, _ = io.Discard.Write([]byte(args)) }, funcr.Options{Verbosity: 1}))
		benchServe(b, wh, body, ctx)
	})
	b.Run("preflight", func(b *testing.B) {
		skipIfPreflightStub(b)
		secrets := benchSecrets(b, refs)
		wh := &admission.Webhook{Refs: fixed, Secrets: func(context.Context, string) secretspec.SecretGetter { return secrets }}
		benchServe(b, wh, body, bg)
	})
	for _, m := range []flyte.Manager{flyte.ManagerK8s, flyte.ManagerVault, flyte.ManagerAWS, flyte.ManagerGCP, flyte.ManagerAzure} {
		b.Run("flyte-"+strings.ToLower(string(m)), func(b *testing.B) {
			cfg := flyte.DefaultConfig()
			cfg.SecretManagerType = m
			plan := func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
				secrets, err := flyte.DecodeAnnotations(pod.Annotations)
				if err != nil {
					return nil, secretspec.Extras{}, err
				}
				refs, x, err := flyte.Plan(secrets, cfg)
				return refs, flyte.KeepPodAnnotations(x, pod.Annotations), err
			}
			pod := benchfixture.Pod()
			ann, err := flyte.EncodeAnnotations(flyteBenchRequests(m))
			if err != nil {
				b.Fatal(err)
			}
			maps.Copy(pod.Annotations, ann)
			benchServe(b, admission.NewHandler(plan), reviewBody(b, admissionv1.Create, pod), bg)
		})
	}
	b.Run("deployment", func(b *testing.B) {
		skipIfObjectStub(b)
		p := benchfixture.Pod()
		dep := &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "trainer"},
			Spec:       appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels, Annotations: p.Annotations}, Spec: p.Spec}},
		}
		body := reviewOf(b, admissionv1.Create, gvkOf(dep), dep)
		benchServe(b, admission.NewHandler(fixed), body, bg)
	})
}

// flyteBenchRequests are three requests of a task, as manager m reads them.
func flyteBenchRequests(m flyte.Manager) []flyte.Secret {
	switch m {
	case flyte.ManagerVault:
		return []flyte.Secret{{Group: "secret/data/flyte", Key: "api_token", MountRequirement: flyte.MountFile, EnvVar: "TOKEN_PATH"},
			{Group: "secret/data/flyte", Key: "password"}, {Group: "kv-v1/app", GroupVersion: "kv1", Key: "user"}}
	case flyte.ManagerAWS:
		arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret"
		return []flyte.Secret{{Group: arn, Key: "db-password", MountRequirement: flyte.MountFile, EnvVar: "DB_PASSWORD_FILE"}, {Group: arn, Key: "api-key"}, {Group: arn, Key: "token"}}
	case flyte.ManagerGCP:
		return []flyte.Secret{{Group: "db-password", GroupVersion: "latest", MountRequirement: flyte.MountFile}, {Group: "api-key", GroupVersion: "3"}, {Group: "token", GroupVersion: "1"}}
	case flyte.ManagerAzure:
		return []flyte.Secret{{Group: "https://my-vault.vault.azure.net/secrets/db-password", MountRequirement: flyte.MountFile},
			{Group: "https://my-vault.vault.azure.net/secrets/api-key"}, {Group: "https://my-vault.vault.azure.net/secrets/token"}}
	}
	return []flyte.Secret{{Group: "db", Key: "password", MountRequirement: flyte.MountEnvVar}, {Group: "db", Key: "tls.crt", MountRequirement: flyte.MountFile, EnvVar: "DB_CERT"}, {Group: "api", Key: "token"}}
}
