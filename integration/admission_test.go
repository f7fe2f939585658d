package integration

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
)

// admissionAnnotation is where the pods of these tests ask for a secret: "<secret>/<key>",
// delivered as the env var SECRET_VALUE (required) or, under admissionOptional, OPTIONAL_VALUE.
const (
	admissionAnnotation = "example.com/secret"
	admissionOptional   = "example.com/optional-secret"
)

// annotationRefs is the tests' RefsFunc: the pod's (template's) annotations say what it gets.
func annotationRefs(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
	var refs []secretspec.Ref
	for _, a := range []struct {
		key, envVar string
		optional    bool
	}{{admissionAnnotation, "SECRET_VALUE", false}, {admissionOptional, "OPTIONAL_VALUE", true}} {
		v, ok := pod.Annotations[a.key]
		if !ok {
			continue
		}
		secret, key, _ := strings.Cut(v, "/")
		refs = append(refs, secretspec.Ref{Secret: secret, Key: key, As: secretspec.Env, EnvVar: a.envVar, Optional: a.optional})
	}
	return refs, secretspec.Extras{Env: []corev1.EnvVar{{Name: "INJECTED_BY", Value: "podsecrets"}}}, nil
}

// serveAdmission runs wh in this process over TLS on 127.0.0.1 and registers it for the
// resources of rules in namespace ns only (so it meets no other test's objects); both go away
// when t ends, the registration first.
func (c *cluster) serveAdmission(t *testing.T, ns string, wh *admission.Webhook, rules []admissionregistrationv1.RuleWithOperations) {
	t.Helper()
	srv := httptest.NewTLSServer(wh)
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	url := srv.URL + "/mutate"
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	cfg := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "podsecrets-" + ns},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    "admission.podsecrets.io",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: ca},
			Rules:                   rules,
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: ns}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](10),
		}},
	}
	configs := c.client.AdmissionregistrationV1().MutatingWebhookConfigurations()
	if _, err := configs.Create(context.Background(), cfg, metav1.CreateOptions{}); err != nil {
		t.Fatalf("registering the webhook: %v", err)
	}
	t.Cleanup(func() {
		if err := configs.Delete(context.Background(), cfg.Name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("deleting the webhook configuration: %v", err)
		}
	})
}

// hasEnvVar reports whether c has a variable called name.
func hasEnvVar(c corev1.Container, name string) bool {
	for _, e := range c.Env {
		if e.Name == name {
			return true
		}
	}
	return false
}

// testAdmissionWorkloads runs the handler against Deployments and Jobs on CREATE and UPDATE:
// the stored templates carry the secrets, an update that already has them changes nothing,
// and every decision reached the hook.
func testAdmissionWorkloads(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	var mu sync.Mutex
	outcomes := map[string]int{}
	wh := &admission.Webhook{Refs: annotationRefs, OnDecision: func(_ context.Context, d admission.Decision) {
		mu.Lock()
		defer mu.Unlock()
		outcomes[d.Kind.Kind+" "+string(d.Operation)+" "+string(d.Outcome)]++
	}}
	c.serveAdmission(t, ns, wh, []admissionregistrationv1.RuleWithOperations{
		{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"}}},
		{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule: admissionregistrationv1.Rule{APIGroups: []string{"batch"}, APIVersions: []string{"v1"}, Resources: []string{"jobs"}}},
	})
	template := func(restart corev1.RestartPolicy) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "trainer"}, Annotations: map[string]string{admissionAnnotation: "db/password"}},
			Spec:       corev1.PodSpec{RestartPolicy: restart, Containers: []corev1.Container{{Name: "main", Image: "registry.example/trainer:1"}}},
		}
	}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "trainer"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "trainer"}},
			Template: template(corev1.RestartPolicyAlways),
		},
	}
	deployments := c.client.AppsV1().Deployments(ns)
	c.waitFor(t, "the webhook to mutate Deployments", func(ctx context.Context) (bool, error) {
		got, err := deployments.Create(ctx, deploy, dryRunAll)
		if err != nil {
			return false, nil // the server may not know the webhook yet
		}
		return hasEnvVar(got.Spec.Template.Spec.Containers[0], "SECRET_VALUE"), nil
	})

	t.Run("Deployment", func(t *testing.T) {
		created, err := deployments.Create(ctx, deploy, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		main := created.Spec.Template.Spec.Containers[0]
		if !hasEnvVar(main, "SECRET_VALUE") || !hasEnvVar(main, "INJECTED_BY") {
			t.Fatalf("stored template lacks the secret or the extras: %v", main.Env)
		}
		if ref := main.Env[0].ValueFrom; ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != "db" || ref.SecretKeyRef.Key != "password" {
			t.Errorf("SECRET_VALUE is %+v, want db/password", main.Env[0])
		}
		created.Spec.Replicas = ptr.To[int32](3)
		updated, err := deployments.Update(ctx, created, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		if len(updated.Spec.Template.Spec.Containers[0].Env) != len(main.Env) || updated.Generation != created.Generation+1 {
			t.Errorf("update: env %v (generation %d), want the same %d variables", updated.Spec.Template.Spec.Containers[0].Env, updated.Generation, len(main.Env))
		}
	})

	t.Run("Job", func(t *testing.T) {
		job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "train"}, Spec: batchv1.JobSpec{Template: template(corev1.RestartPolicyNever)}}
		created, err := c.client.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if main := created.Spec.Template.Spec.Containers[0]; !hasEnvVar(main, "SECRET_VALUE") {
			t.Fatalf("stored Job template lacks the secret: %v", main.Env)
		}
		created.Labels = map[string]string{"touched": "yes"}
		if _, err := c.client.BatchV1().Jobs(ns).Update(ctx, created, metav1.UpdateOptions{}); err != nil {
			// A Job's template is immutable: a non-empty patch here would be refused.
			t.Fatalf("update of a Job that has its secrets: %v", err)
		}
	})

	t.Run("DeniedConflict", func(t *testing.T) {
		bad := deploy.DeepCopy()
		bad.Name = "clash"
		bad.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "SECRET_VALUE", Value: "hand-set-value"}}
		_, err := deployments.Create(ctx, bad, metav1.CreateOptions{})
		if !apierrors.IsBadRequest(err) {
			t.Fatalf("create: %v, want a 400 denial", err)
		}
		msg := err.Error()
		for _, want := range []string{"spec.template.spec.containers[0].env[0]", `env var "SECRET_VALUE" from secret "db" key "password" wants it`} {
			if !strings.Contains(msg, want) {
				t.Errorf("denial %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, "hand-set-value") || strings.Contains(msg, "refs[") {
			t.Errorf("denial %q quotes a value or the handler's refs[i]", msg)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"Deployment CREATE patched", "Deployment UPDATE unchanged", "Job CREATE patched", "Job UPDATE unchanged", "Deployment CREATE denied"} {
		if outcomes[want] == 0 {
			t.Errorf("no %q decision reached the hook: %v", want, outcomes)
		}
	}
}

// warnings collects the API server's warnings for a client.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

// testAdmissionPreflight runs the handler with the check against the Secrets that exist: a pod
// whose Secret is missing is denied with the reason, one whose Secret exists is admitted, and an
// optional secret that is missing comes back as a warning.
func testAdmissionPreflight(t *testing.T, c *cluster) {
	if errs, _ := preflight.Check(nil, nil, nil); len(errs) > 0 {
		t.Skip("preflight.Check is still a stub on this branch")
	}
	ctx := context.Background()
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	wh := &admission.Webhook{
		Refs: annotationRefs,
		Secrets: func(ctx context.Context, namespace string) secretspec.SecretGetter {
			return preflight.FromClient(ctx, c.client, namespace)
		},
	}
	c.serveAdmission(t, ns, wh, []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
	}})
	if _, err := c.client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"}, Data: map[string][]byte{"password": []byte("s3cr3t-db-password")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := func(name string, annotations map[string]string) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "registry.example/app:1"}}},
		}
	}
	pods := c.client.CoreV1().Pods(ns)
	present := pod("present", map[string]string{admissionAnnotation: "db/password"})
	c.waitFor(t, "the webhook to mutate pods", func(ctx context.Context) (bool, error) {
		got, err := pods.Create(ctx, present, dryRunAll)
		if err != nil {
			return false, nil
		}
		return hasEnvVar(got.Spec.Containers[0], "SECRET_VALUE"), nil
	})

	t.Run("MissingSecretDenied", func(t *testing.T) {
		_, err := pods.Create(ctx, pod("missing", map[string]string{admissionAnnotation: "no-such-secret/token"}), metav1.CreateOptions{})
		if !apierrors.IsBadRequest(err) {
			t.Fatalf("create: %v, want a 400 denial", err)
		}
		msg := err.Error()
		for _, want := range []string{`admission webhook "admission.podsecrets.io" denied the request`, "the pod cannot start", `env var "SECRET_VALUE" from secret "no-such-secret" key "token"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("denial %q lacks %q", msg, want)
			}
		}
		if _, err := pods.Get(ctx, "missing", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get denied pod: %v, want NotFound", err)
		}
	})

	t.Run("MissingKeyDenied", func(t *testing.T) {
		_, err := pods.Create(ctx, pod("missing-key", map[string]string{admissionAnnotation: "db/no-such-key"}), metav1.CreateOptions{})
		if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), `key "no-such-key"`) || strings.Contains(err.Error(), "s3cr3t") {
			t.Fatalf("create: %v, want a 400 denial naming the key and no value", err)
		}
	})

	t.Run("PresentAdmittedOptionalWarned", func(t *testing.T) {
		var w warnings
		cfg := rest.CopyConfig(c.config)
		cfg.WarningHandler = &w
		client, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := pod("present-optional", map[string]string{admissionAnnotation: "db/password", admissionOptional: "no-such-secret/extra"})
		got, err := client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if !hasEnvVar(got.Spec.Containers[0], "SECRET_VALUE") || !hasEnvVar(got.Spec.Containers[0], "OPTIONAL_VALUE") {
			t.Errorf("stored pod lacks its variables: %v", got.Spec.Containers[0].Env)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.msgs) == 0 || !strings.Contains(strings.Join(w.msgs, "\n"), `env var "OPTIONAL_VALUE" from secret "no-such-secret" key "extra"`) {
			t.Errorf("warnings %q, want one about the optional secret", w.msgs)
		}
	})
}
