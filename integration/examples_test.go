package integration

import (
	"context"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// exampleData is where the example programs keep their sample inputs.
const exampleData = "../examples"

// testExamplePods builds the example programs, runs them as processes the way
// their documentation shows (against this API server where they need a
// cluster), and creates every Pod they print with server-side dry run.
func testExamplePods(t *testing.T, c *cluster) {
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")
	kubeconfig := c.writeKubeconfig(t, t.TempDir())

	t.Run("RunaiSubmit", func(t *testing.T) {
		bin := c.buildExample(t, "runai")
		out := runProgram(t, bin, "submit", "--project", "team-a", "--image", "ubuntu",
			"-e", "MYUSERNAME=SECRET:my-secret,username", "-e", "MYPASSWORD=SECRET:my-secret,password",
			"-e", "FOO=bar", "--", "sleep", "infinity")
		c.dryRunPrintedPod(t, ns, out)
		// Run:ai's own example, as its documentation writes it (-i, the default project).
		out = runProgram(t, bin, "submit", "-i", "ubuntu", "-e", "MYUSERNAME=SECRET:my-secret,username")
		c.dryRunPrintedPod(t, ns, out)
	})

	t.Run("PachydermPipeline", func(t *testing.T) {
		bin := c.buildExample(t, "pachyderm")
		for _, spec := range []string{"mnist.json", "mounts.yaml"} {
			out := runProgram(t, bin, "pipeline", "-f", filepath.Join(exampleData, "pachyderm", "testdata", spec))
			var podSpec corev1.PodSpec
			if err := yaml.UnmarshalStrict(out, &podSpec); err != nil {
				t.Fatalf("pipeline -f %s: output is not a PodSpec: %v", spec, err)
			}
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "pipeline-worker"}, Spec: podSpec}
			if _, err := c.client.CoreV1().Pods(ns).Create(context.Background(), pod, dryRunAll); err != nil {
				t.Errorf("pipeline -f %s: dry-run create: %v", spec, err)
			}
		}
	})

	t.Run("KonduktorInject", func(t *testing.T) {
		bin := c.buildExample(t, "konduktor")
		data := filepath.Join(exampleData, "konduktor", "testdata")
		cluster := []string{"--user", "alice", "--namespace", ns, "--kubeconfig", kubeconfig}
		for _, args := range [][]string{
			{"--kind=default", "--from-directory=" + filepath.Join(data, "secrets"), "my-default-directory"},
			{"--kind=default", "--from-file=" + filepath.Join(data, "secrets", "secret-file.txt"), "my-default-file"},
			{"--kind=env", "--inline", "FOO=bar", "my-env-name"},
			{"--kind=git-ssh", "--from-file=" + filepath.Join(data, "id_ed25519"), "my-ssh-name"},
		} {
			runProgram(t, bin, append(append([]string{"secret", "create"}, cluster...), args...)...)
		}
		for _, name := range []string{"my-default-directory-alice", "my-default-file-alice", "my-env-name-alice", "my-ssh-name-alice"} {
			if _, err := c.client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{}); err != nil {
				t.Errorf("Secret %s after konduktor secret create: %v", name, err)
			}
		}
		out := runProgram(t, bin, append(append([]string{"inject"}, cluster...), "-f", filepath.Join(data, "workload.yaml"))...)
		c.dryRunPrintedPod(t, ns, out)
	})

	t.Run("RunaiClusterWideSecret", func(t *testing.T) {
		bin := c.buildExample(t, "runai")
		ctx := context.Background()
		projects := []string{"runai-team-a", "runai-team-b"}
		c.createNamespaces(t, append([]string{"runai"}, projects...), nil)
		if _, err := c.client.CoreV1().Secrets("runai").Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "regcred"},
			Data:       map[string][]byte{"token": []byte("example")},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		runProgram(t, bin, "secret", "set", "regcred", "--cluster-wide", "--kubeconfig", kubeconfig)
		c.expectCopies(t, "regcred", projects, map[string][]byte{"token": []byte("example")})
		src, err := c.client.CoreV1().Secrets("runai").Get(ctx, "regcred", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if src.Labels["runai/cluster-wide"] != "true" {
			t.Errorf("source labels %v, want runai/cluster-wide=true", src.Labels)
		}
		runProgram(t, bin, "secret", "remove", "regcred", "--cluster-wide", "--kubeconfig", kubeconfig)
		c.expectCopies(t, "regcred", nil, nil)
	})
}

// dryRunPrintedPod reads the Pod a program printed and creates it in ns with server-side dry run.
func (c *cluster) dryRunPrintedPod(t *testing.T, ns string, out []byte) {
	t.Helper()
	var pod corev1.Pod
	if err := yaml.UnmarshalStrict(out, &pod); err != nil {
		t.Fatalf("output is not a Pod: %v", err)
	}
	if pod.Kind != "Pod" || len(pod.Spec.Containers) == 0 {
		t.Fatalf("output is not a Pod with containers (kind %q)", pod.Kind)
	}
	pod.Namespace = ns
	if _, err := c.client.CoreV1().Pods(ns).Create(context.Background(), &pod, dryRunAll); err != nil {
		t.Errorf("dry-run create of pod %s: %v", pod.Name, err)
	}
}
