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
			pkgs := libraryPackages(t, tc.dir)
			goCommand(t, tc.dir, append([]string{"build"}, pkgs...)...)
			goCommand(t, tc.dir, append([]string{"test"}, pkgs...)...)
		})
	}
}

// libraryPackages lists the library's packages as seen from dir. In this module the pattern
// github.com/podsecrets/podsecrets/... also matches this module's own packages, whose tests
// include this one: they are left out.
func libraryPackages(t *testing.T, dir string) []string {
	t.Helper()
	var pkgs []string
	for _, p := range strings.Fields(goCommand(t, dir, "list", "github.com/podsecrets/podsecrets/...")) {
		if p != "github.com/podsecrets/podsecrets/integration" && !strings.HasPrefix(p, "github.com/podsecrets/podsecrets/integration/") {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list github.com/podsecrets/podsecrets/... in %s: no library package", dir)
	}
	return pkgs
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
