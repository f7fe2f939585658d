package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podsecrets/podsecrets/internal/golden"
)

func TestWorker(t *testing.T) {
	for _, tc := range []struct{ spec, kind, golden string }{
		{"mnist.json", "deployment", "worker-mnist.golden.yaml"},
		{"mounts.yaml", "replicationcontroller", "worker-mounts-rc.golden.yaml"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, err := runCmd(context.Background(), nil, "worker", "-f", filepath.Join("testdata", tc.spec), "--kind", tc.kind)
			if err != nil {
				t.Fatalf("worker: %v", err)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), []byte(out), *update)
		})
	}
}

func TestWorkerErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"worker"}, "want -f spec.json"},
		{[]string{"worker", "-f", "testdata/mnist.json", "--kind", "pod"}, `--kind "pod": want deployment or replicationcontroller`},
	} {
		_, err := runCmd(context.Background(), nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
