package integration

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec"
)

// testRollout runs a rollout Controller (with leader election) against the real API server:
// updating the key a Deployment reads rolls it (its template annotation changes and its
// generation increases); an opted-in Deployment reading another Secret and a Deployment that
// reads the same Secret without opting in stay as they were. The templates are stamped the
// way a webhook using inject.WithSecretsHash stamps them.
func testRollout(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	secrets := c.client.CoreV1().Secrets(ns)
	for _, s := range []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: "db"}, Data: map[string][]byte{"password": []byte("one"), "comment": []byte("a")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "other"}, Data: map[string][]byte{"token": []byte("t")}},
	} {
		if _, err := secrets.Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	getter := preflight.FromClient(ctx, c.client, ns)
	deployment := func(name, secret, key string, optIn bool) *appsv1.Deployment {
		refs := []secretspec.Ref{{Secret: secret, Key: key, As: secretspec.Env, EnvVar: "V"}}
		tmpl, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
		}, refs, inject.WithSecretsHash(getter))
		if err != nil {
			t.Fatal(err)
		}
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}, Template: *tmpl}}
		if optIn {
			d.Labels = map[string]string{rollout.LabelOptIn: "true"}
		}
		d, err = c.client.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("creating Deployment %s: %v", name, err)
		}
		return d
	}
	user := deployment("user", "db", "password", true)
	unrelated := deployment("unrelated", "other", "token", true)
	bystander := deployment("bystander", "db", "password", false)

	ctrl, err := rollout.NewController(c.client, rollout.Config{Namespace: ns, Debounce: 200 * time.Millisecond,
		LeaseName: "rollout", LeaseNamespace: ns, Identity: "it"})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	get := func(name string) *appsv1.Deployment {
		d, err := c.client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	update := func(key, value string) {
		s, err := secrets.Get(ctx, "db", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.Data[key] = []byte(value)
		if _, err := secrets.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Wait for the controller to lead (the Lease is renewed by our identity).
	c.waitFor(t, "the rollout Lease", func(ctx context.Context) (bool, error) {
		l, err := c.client.CoordinationV1().Leases(ns).Get(ctx, "rollout", metav1.GetOptions{})
		return err == nil && l.Spec.HolderIdentity != nil && *l.Spec.HolderIdentity == "it", nil
	})

	update("comment", "b") // a key no template reads
	time.Sleep(2 * time.Second)
	if d := get("user"); d.Generation != user.Generation {
		t.Errorf("updating a key the Deployment does not read rolled it: generation %d -> %d", user.Generation, d.Generation)
	}

	update("password", "two")
	c.waitFor(t, "the Deployment to roll", func(context.Context) (bool, error) {
		d := get("user")
		return d.Spec.Template.Annotations[inject.AnnotationSecretsHash] != user.Spec.Template.Annotations[inject.AnnotationSecretsHash], nil
	})
	d := get("user")
	if d.Generation <= user.Generation {
		t.Errorf("generation %d -> %d, want it to increase", user.Generation, d.Generation)
	}
	want, err := inject.SecretsHash(getter, inject.Uses(&d.Spec.Template.Spec))
	if err != nil || d.Spec.Template.Annotations[inject.AnnotationSecretsHash] != want {
		t.Errorf("template hash %q, want %q (%v)", d.Spec.Template.Annotations[inject.AnnotationSecretsHash], want, err)
	}
	time.Sleep(time.Second)
	for _, before := range []*appsv1.Deployment{unrelated, bystander} {
		if after := get(before.Name); after.Generation != before.Generation ||
			after.Spec.Template.Annotations[inject.AnnotationSecretsHash] != before.Spec.Template.Annotations[inject.AnnotationSecretsHash] {
			t.Errorf("Deployment %s changed: generation %d -> %d", before.Name, before.Generation, after.Generation)
		}
	}
}
