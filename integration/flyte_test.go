package integration

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// flyteWebhookConfig is the MutatingWebhookConfiguration flyte-webhook config applies by default.
const flyteWebhookConfig = "flyte-pod-webhook"

// testFlyteWebhook runs the Flyte flow end to end: the examples/flyte-webhook
// program, built and run as a process on 127.0.0.1 with its own certificates,
// registered with the API server through its own config --apply. A pod
// labelled inject-flyte-secrets=true with Flyte annotations is stored with the
// env vars and secret volume the annotations ask for; a pod with a malformed
// annotation is refused with our message.
func testFlyteWebhook(t *testing.T, c *cluster) {
	ctx := context.Background()
	c.startFlyteWebhook(t, flyteWebhookConfig, nil, nil)

	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	pods := c.client.CoreV1().Pods(ns)
	requests := []flyte.Secret{
		{Group: "aws", Key: "access-key", MountRequirement: flyte.MountEnvVar},
		{Group: "aws", Key: "secret-key", MountRequirement: flyte.MountFile, EnvVar: "AWS_SECRET_FILE"},
		{Group: "db", Key: "password", MountRequirement: flyte.MountAny},
	}
	annotations, err := flyte.EncodeAnnotations(requests)
	if err != nil {
		t.Fatalf("EncodeAnnotations: %v", err)
	}
	task := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "task",
			Labels:      map[string]string{flyte.PodLabel: "true"},
			Annotations: annotations,
		},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "task", Image: "registry.example/task:1"}}},
	}

	// What the webhook should do, computed with the library directly.
	refs, extras, err := flyte.Plan(requests, flyte.DefaultConfig())
	if err != nil {
		t.Fatalf("flyte.Plan: %v", err)
	}
	want, err := inject.ApplyPod(task, refs, inject.WithExtras(extras), inject.WithConflictPolicy(inject.ConflictKeepExisting))
	if err != nil {
		t.Fatalf("inject.ApplyPod: %v", err)
	}

	// The API server learns of a new webhook configuration asynchronously:
	// dry-run until a pod comes back mutated.
	c.waitFor(t, "the webhook to mutate pods", func(ctx context.Context) (bool, error) {
		got, err := pods.Create(ctx, task, dryRunAll)
		if err != nil {
			return false, err
		}
		return len(got.Spec.Containers[0].Env) > 0, nil
	})

	t.Run("Mutated", func(t *testing.T) {
		if _, err := pods.Create(ctx, task, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %v", err)
		}
		got, err := pods.Get(ctx, task.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		// The server adds defaults (file modes and the like); compare what the webhook decides.
		ignoreDefaults := cmpopts.IgnoreFields(corev1.SecretVolumeSource{}, "DefaultMode")
		if diff := cmp.Diff(want.Spec.Containers[0].Env, got.Spec.Containers[0].Env); diff != "" {
			t.Errorf("env (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want.Spec.Containers[0].VolumeMounts, got.Spec.Containers[0].VolumeMounts); diff != "" {
			t.Errorf("volume mounts (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want.Spec.Volumes, got.Spec.Volumes, ignoreDefaults); diff != "" {
			t.Errorf("volumes (-want +got):\n%s", diff)
		}
		// Spot checks that do not depend on inject agreeing with itself.
		if !hasEnv(got, "_FSEC_AWS_ACCESS-KEY") || !hasEnv(got, "AWS_SECRET_FILE") || !hasMount(got, "/etc/flyte/secrets/aws") || !hasMount(got, "/etc/flyte/secrets/db") {
			t.Errorf("the stored pod lacks the requested env vars or mounts: env %v, mounts %v", envNames(got), mountPaths(got))
		}
	})

	t.Run("MalformedAnnotationDenied", func(t *testing.T) {
		bad := task.DeepCopy()
		bad.Name = "bad-task"
		const badValue = "this is not base32!"
		bad.Annotations["flyte.secrets/s3"] = badValue
		_, err := pods.Create(ctx, bad, metav1.CreateOptions{})
		if err == nil {
			t.Fatal("create: accepted, want a denial")
		}
		if !apierrors.IsBadRequest(err) {
			t.Errorf("create: got %v, want a 400 denial", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, `admission webhook "flyte-pod-webhook.podsecrets.io" denied the request`) || !strings.Contains(msg, "flyte.secrets/s3") {
			t.Errorf("create: %q does not say our webhook denied flyte.secrets/s3", msg)
		}
		if strings.Contains(msg, badValue) {
			t.Error("the denial quotes the annotation's value")
		}
		if _, err := pods.Get(ctx, bad.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get denied pod: got %v, want NotFound", err)
		}
	})
}

// startFlyteWebhook runs the examples/flyte-webhook program as a process on 127.0.0.1 with
// its own certificates (serve's extra flags: serveArgs) and registers it with the API server
// as MutatingWebhookConfiguration name through its own config --apply (extra flags:
// configArgs). When t ends the registration is deleted, then the process stopped.
func (c *cluster) startFlyteWebhook(t *testing.T, name string, serveArgs, configArgs []string) {
	t.Helper()
	bin := c.buildExample(t, "flyte-webhook")
	dir := t.TempDir()
	kubeconfig := c.writeKubeconfig(t, dir)
	runProgram(t, bin, "init-certs", "--out-dir", dir)
	line := startProgram(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0",
		"--cert", filepath.Join(dir, "tls.crt"), "--key", filepath.Join(dir, "tls.key"), "--kubeconfig", kubeconfig}, serveArgs...)...)
	addr, ok := strings.CutPrefix(line, "listening on ")
	if !ok {
		t.Fatalf("serve: first line %q, want \"listening on ADDR\"", line)
	}
	// Registered after the process, so it runs before the process is stopped:
	// no later pod with the label meets a webhook that is gone.
	t.Cleanup(func() {
		err := c.client.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(context.Background(), name, metav1.DeleteOptions{})
		if err != nil {
			t.Errorf("deleting the webhook configuration: %v", err)
		}
	})
	runProgram(t, bin, append([]string{"config", "--name", name, "--url", "https://" + addr + "/mutate",
		"--ca-file", filepath.Join(dir, "ca.crt"), "--apply", "--kubeconfig", kubeconfig}, configArgs...)...)
}

// hasEnv reports whether the first container of pod has a variable called name.
func hasEnv(pod *corev1.Pod, name string) bool {
	for _, e := range pod.Spec.Containers[0].Env {
		if e.Name == name {
			return true
		}
	}
	return false
}

// hasMount reports whether the first container of pod mounts something at path.
func hasMount(pod *corev1.Pod, path string) bool {
	for _, m := range pod.Spec.Containers[0].VolumeMounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

// envNames lists the variable names of the first container of pod.
func envNames(pod *corev1.Pod) []string {
	var out []string
	for _, e := range pod.Spec.Containers[0].Env {
		out = append(out, e.Name)
	}
	return out
}

// mountPaths lists the mount paths of the first container of pod.
func mountPaths(pod *corev1.Pod) []string {
	var out []string
	for _, m := range pod.Spec.Containers[0].VolumeMounts {
		out = append(out, m.MountPath)
	}
	return out
}
