package integration

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraryBuilds proves that the library builds and its tests pass at both ends of the
// k8s.io/* versions it supports:
//
//   - Newest: in this module, where minimal version selection lifts k8s.io/api, apimachinery
//     and client-go to the release k8s.io/kubernetes pins (the newest the README promises);
//   - Oldest: in the library's own module, whose go.mod requires the oldest release it allows
//     (what `go test ./...` in the repository root runs).
//
// go test caches the library's results, so a second run with unchanged sources costs little.
func TestLibraryBuilds(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
	}{
		{"Newest", "."},
		{"Oldest", ".."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			versions := goCommand(t, tc.dir, "list", "-m", "-f", "{{.Path}} {{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}",
				"k8s.io/api", "k8s.io/apimachinery", "k8s.io/client-go")
			t.Logf("%s: %s", tc.name, strings.ReplaceAll(strings.TrimSpace(versions), "\n", ", "))
			goCommand(t, tc.dir, "build", "github.com/podsecrets/podsecrets/...")
			goCommand(t, tc.dir, "test", "github.com/podsecrets/podsecrets/...")
		})
	}
}

// goCommand runs the go command with args in dir and returns its output; it fails t with the
// output if the command fails.
func goCommand(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}
