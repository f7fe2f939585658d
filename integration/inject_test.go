package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// injectGoldenGlob finds the pods that inject's golden tests produce.
const injectGoldenGlob = "../inject/testdata/*.golden.yaml"

// testInjectGolden creates every pod of inject's golden files with
// server-side dry run, in a namespace that has a default service account:
// the API server accepts every PodSpec inject emits for them.
func testInjectGolden(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	c.serviceAccount(t, ns, "default")

	files, err := filepath.Glob(injectGoldenGlob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files match %s", injectGoldenGlob)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".golden.yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var pod corev1.Pod
			if err := yaml.UnmarshalStrict(data, &pod); err != nil {
				t.Fatalf("%s: not a Pod: %v", file, err)
			}
			pod.Namespace = ns
			if _, err := c.client.CoreV1().Pods(ns).Create(ctx, &pod, dryRunAll); err != nil {
				t.Errorf("%s: dry-run create: %v", file, err)
			}
		})
	}
}
