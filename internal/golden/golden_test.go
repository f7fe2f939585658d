package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing the test.
// Fatal stops the calling goroutine like the real one does.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatal(args ...any) {
	r.errors = append(r.errors, fmt.Sprint(args...))
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.fatal = true
	runtime.Goexit()
}

// check runs Check against r in its own goroutine so that Fatal can stop it.
func check(t *testing.T, path string, got []byte, update bool) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, got, update)
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden.txt")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		path       string
		got        string
		update     bool
		wantFatal  bool
		wantErrors []string // substrings, one per reported failure
	}{{
		name: "match",
		path: path,
		got:  "a\nb\n",
	}, {
		name:       "mismatch",
		path:       path,
		got:        "a\nc\n",
		wantErrors: []string{"output differs from " + path + " (-want +got)"},
	}, {
		name:       "missing",
		path:       filepath.Join(dir, "missing.golden.txt"),
		got:        "x",
		wantFatal:  true,
		wantErrors: []string{"run go test -update to create it"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, tc.path, []byte(tc.got), tc.update)
			if r.fatal != tc.wantFatal {
				t.Errorf("fatal = %v, want %v", r.fatal, tc.wantFatal)
			}
			if len(r.errors) != len(tc.wantErrors) {
				t.Fatalf("got %d failures %q, want %d", len(r.errors), r.errors, len(tc.wantErrors))
			}
			for i, want := range tc.wantErrors {
				if !strings.Contains(r.errors[i], want) {
					t.Errorf("failure %d = %q, want it to contain %q", i, r.errors[i], want)
				}
			}
		})
	}
}

func TestCheckMismatchShowsDiff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden.txt")
	if err := os.WriteFile(path, []byte("old line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := check(t, path, []byte("new line\n"), false)
	if len(r.errors) != 1 {
		t.Fatalf("got %d failures, want 1", len(r.errors))
	}
	for _, want := range []string{"-", "old line", "+", "new line"} {
		if !strings.Contains(r.errors[0], want) {
			t.Errorf("diff %q does not contain %q", r.errors[0], want)
		}
	}
}

func TestCheckUpdate(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"new.golden.txt", "stale.golden.txt"} {
		path := filepath.Join(dir, name)
		if name == "stale.golden.txt" {
			if err := os.WriteFile(path, []byte("stale"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r := check(t, path, []byte("fresh\n"), true)
		if len(r.errors) != 0 {
			t.Errorf("%s: update reported %q, want no failures", name, r.errors)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "fresh\n" {
			t.Errorf("%s: file holds %q after update, want %q", name, data, "fresh\n")
		}
	}
}
