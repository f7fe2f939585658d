package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// propellerConfig is the path of one of the example's flytepropeller config files.
func propellerConfig(manager string) string {
	return filepath.Join("..", "examples", "flyte-webhook", "testdata", "propeller", manager+".yaml")
}

// flyteManagerPod is a task pod as propeller creates it, asking for requests.
func flyteManagerPod(t *testing.T, name string, requests []flyte.Secret) *corev1.Pod {
	t.Helper()
	annotations, err := flyte.EncodeAnnotations(requests)
	if err != nil {
		t.Fatal(err)
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{flyte.PodLabel: "true"}, Annotations: annotations},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "task", Image: "registry.example/task:1"}}},
	}
}

// wantFlytePod is what the webhook should make of pod under the config file manager.yaml,
// computed with the library directly.
func wantFlytePod(t *testing.T, manager string, pod *corev1.Pod, requests []flyte.Secret) *corev1.Pod {
	t.Helper()
	data, err := os.ReadFile(propellerConfig(manager))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := flyte.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	refs, x, err := flyte.Plan(requests, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := inject.ApplyPod(pod, refs, inject.WithExtras(flyte.KeepPodAnnotations(x, pod.Annotations)), inject.WithConflictPolicy(inject.ConflictKeepExisting))
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// testFlyteWebhookVault runs the webhook with Flyte's Vault manager, from a propeller config
// file: the API server stores the pod with the Vault agent's annotations (the pod's own role
// kept) and the variables flytekit reads.
func testFlyteWebhookVault(t *testing.T, c *cluster) {
	ctx := context.Background()
	c.startFlyteWebhook(t, "flyte-vault-webhook", []string{"--config", propellerConfig("vault")}, nil)
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	pods := c.client.CoreV1().Pods(ns)
	requests := []flyte.Secret{
		{Group: "secret/data/flyte", Key: "api_token", MountRequirement: flyte.MountFile, EnvVar: "TOKEN_PATH"},
		{Group: "kv-v1/app", GroupVersion: "kv1", Key: "user"},
	}
	task := flyteManagerPod(t, "vault-task", requests)
	task.Annotations[flyte.VaultAnnotationRole] = "task-own-role"
	want := wantFlytePod(t, "vault", task, requests)
	c.waitFor(t, "the Vault webhook to mutate pods", func(ctx context.Context) (bool, error) {
		got, err := pods.Create(ctx, task, dryRunAll)
		if err != nil {
			return false, nil // an earlier test's webhook may still be registered
		}
		return got.Annotations[flyte.VaultAnnotationInject] == "true" && len(got.Spec.Volumes) == len(want.Spec.Volumes), nil
	})
	if _, err := pods.Create(ctx, task, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := pods.Get(ctx, task.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Annotations, got.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if got.Annotations[flyte.VaultAnnotationRole] != "task-own-role" {
		t.Errorf("role %q, want the pod's own", got.Annotations[flyte.VaultAnnotationRole])
	}
	if diff := cmp.Diff(want.Spec.Containers[0].Env, got.Spec.Containers[0].Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(envValue(got, "TOKEN_PATH"), "/etc/flyte/secrets/") {
		t.Errorf("TOKEN_PATH = %q, want a file under /etc/flyte/secrets", envValue(got, "TOKEN_PATH"))
	}
}

// testFlyteWebhookAWS runs the webhook with Flyte's AWS manager: the API server stores the pod
// with one fetcher init container per request, its in-memory volume and the read-only mount.
func testFlyteWebhookAWS(t *testing.T, c *cluster) {
	ctx := context.Background()
	c.startFlyteWebhook(t, "flyte-aws-webhook", []string{"--config", propellerConfig("aws")}, nil)
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	pods := c.client.CoreV1().Pods(ns)
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret"
	requests := []flyte.Secret{
		{Group: arn, Key: "db-password", MountRequirement: flyte.MountFile, EnvVar: "DB_PASSWORD_FILE"},
		{Group: arn, Key: "api-key"},
	}
	task := flyteManagerPod(t, "aws-task", requests)
	want := wantFlytePod(t, "aws", task, requests)
	c.waitFor(t, "the AWS webhook to mutate pods", func(ctx context.Context) (bool, error) {
		got, err := pods.Create(ctx, task, dryRunAll)
		if err != nil {
			return false, nil
		}
		return len(got.Spec.InitContainers) == len(want.Spec.InitContainers) && got.Annotations[flyte.VaultAnnotationInject] == "", nil
	})
	if _, err := pods.Create(ctx, task, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := pods.Get(ctx, task.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type fetcher struct {
		Name, Image string
		Env         []corev1.EnvVar
		Mounts      []corev1.VolumeMount
		Resources   corev1.ResourceRequirements
	}
	fetchers := func(p *corev1.Pod) []fetcher {
		var fs []fetcher
		for _, c := range p.Spec.InitContainers {
			fs = append(fs, fetcher{c.Name, c.Image, c.Env, c.VolumeMounts, c.Resources})
		}
		return fs
	}
	if diff := cmp.Diff(fetchers(want), fetchers(got)); diff != "" {
		t.Errorf("fetchers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Spec.Volumes, got.Spec.Volumes); diff != "" {
		t.Errorf("volumes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Spec.Containers[0].VolumeMounts, got.Spec.Containers[0].VolumeMounts); diff != "" {
		t.Errorf("mounts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Spec.Containers[0].Env, got.Spec.Containers[0].Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
}

// envValue is the value of the first container's variable name.
func envValue(pod *corev1.Pod, name string) string {
	for _, e := range pod.Spec.Containers[0].Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// testFlyteWebhookWorkloads registers the webhook for Deployments with config --kinds: a
// labelled Deployment whose pod template carries Flyte's annotations is stored with the
// secrets in its template, and scaling it changes nothing else.
func testFlyteWebhookWorkloads(t *testing.T, c *cluster) {
	ctx := context.Background()
	c.startFlyteWebhook(t, "flyte-workloads-webhook", nil, []string{"--kinds", "deployments"})
	ns := c.namespace(t)
	requests := []flyte.Secret{{Group: "db", Key: "password", MountRequirement: flyte.MountEnvVar}}
	annotations, err := flyte.EncodeAnnotations(requests)
	if err != nil {
		t.Fatal(err)
	}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "serving", Labels: map[string]string{flyte.PodLabel: "true"}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "serving"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "serving"}, Annotations: annotations},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "task", Image: "registry.example/task:1"}}},
			},
		},
	}
	deployments := c.client.AppsV1().Deployments(ns)
	c.waitFor(t, "the webhook to mutate Deployments", func(ctx context.Context) (bool, error) {
		got, err := deployments.Create(ctx, deploy, dryRunAll)
		if err != nil {
			return false, nil
		}
		return len(got.Spec.Template.Spec.Containers[0].Env) > 0, nil
	})
	created, err := deployments.Create(ctx, deploy, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	env := created.Spec.Template.Spec.Containers[0].Env
	if !hasEnvVar(created.Spec.Template.Spec.Containers[0], "_FSEC_DB_PASSWORD") {
		t.Fatalf("stored template env %v lacks _FSEC_DB_PASSWORD", env)
	}
	created.Spec.Replicas = ptr.To[int32](2)
	updated, err := deployments.Update(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if diff := cmp.Diff(env, updated.Spec.Template.Spec.Containers[0].Env); diff != "" {
		t.Errorf("update changed the template's env (-before +after):\n%s", diff)
	}
}
