package integration

import (
	"os/exec"
	"testing"
)

// TestLibraryBuilds compiles every package of the library, examples included,
// in this module, where minimal version selection lifts k8s.io/api,
// apimachinery and client-go to the newest Kubernetes release that
// k8s.io/kubernetes pins. The library's own go.mod stays on the oldest
// supported release, so this is the proof that it also builds against the newest.
func TestLibraryBuilds(t *testing.T) {
	cmd := exec.Command("go", "build", "github.com/podsecrets/podsecrets/...")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build github.com/podsecrets/podsecrets/... against k8s.io/kubernetes v1.37.2: %v\n%s", err, out)
	}
}
