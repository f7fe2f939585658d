package encode

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// secretValue is a value that must never show up in an error.
const secretValue = "s3cr3t-VALUE-do-not-print"

// noLeak fails if err's message contains any of values.
func noLeak(t *testing.T, err error, values ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, v := range values {
		if v != "" && strings.Contains(err.Error(), v) {
			t.Errorf("error message leaks a secret value (%d bytes)", len(v))
		}
	}
}

func TestGenericBuilds(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"cfg.yaml": "a: 1", "d/x": "X", "d/y": "Y", "app.env": "K=V\n"})
	s, err := Generic("app", Literal("lit", "v=1"), File(filepath.Join(dir, "cfg.yaml")),
		FileAs("renamed", filepath.Join(dir, "cfg.yaml")), Dir(filepath.Join(dir, "d")))
	if err != nil {
		t.Fatal(err)
	}
	want := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: "app"},
		Data: map[string][]byte{
			"lit": []byte("v=1"), "cfg.yaml": []byte("a: 1"), "renamed": []byte("a: 1"),
			"x": []byte("X"), "y": []byte("Y"),
		},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("Generic (-want +got):\n%s", diff)
	}
	writeFiles(t, dir, map[string]string{"more.env": "L=W\n"})
	envs, err := Generic("env", EnvFile(filepath.Join(dir, "app.env")), EnvFile(filepath.Join(dir, "more.env")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]byte{"K": []byte("V"), "L": []byte("W")}, envs.Data); diff != "" {
		t.Errorf("Generic of two env files (-want +got):\n%s", diff)
	}
	empty, err := Generic("empty")
	if err != nil {
		t.Fatal(err)
	}
	if empty.Data == nil || len(empty.Data) != 0 || empty.Type != "" {
		t.Errorf("Generic with no sources: want empty non-nil data and no type, got %d keys, type %q", len(empty.Data), empty.Type)
	}
}

func TestGenericErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"ok": secretValue, "d/bad name": secretValue, "e.env": "A=" + secretValue + "\nA=" + secretValue + "\n"})
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		secret  string
		sources []Source
		want    string // substring of the error
		wantKey *KeyError
	}{
		{"empty literal key", "x", []Source{Literal("", secretValue)}, "empty key", &KeyError{Source: "literal", Key: "", Reason: "empty key"}},
		{"invalid literal key", "x", []Source{Literal("a/b", secretValue)}, `key "a/b": invalid key`, nil},
		{"dot key", "x", []Source{Literal(".", secretValue)}, `must not be '.'`, nil},
		{"duplicate", "x", []Source{Literal("a", secretValue), Literal("a", secretValue)}, "duplicate key, already added by literal", nil},
		{"file clash", "x", []Source{Literal("ok", "1"), File(filepath.Join(dir, "ok"))}, `key "ok": duplicate key`, nil},
		{"missing file", "x", []Source{File(filepath.Join(dir, "nope"))}, "no such file", nil},
		{"file is a directory", "x", []Source{File(filepath.Join(dir, "d"))}, "is a directory", nil},
		{"FileAs directory", "x", []Source{FileAs("k", filepath.Join(dir, "d"))}, "is a directory", nil},
		{"device", "x", []Source{FileAs("k", os.DevNull)}, "not a regular file", nil},
		{"FileAs invalid key", "x", []Source{FileAs("a b", filepath.Join(dir, "ok"))}, `key "a b": invalid key`, nil},
		{"dir invalid file name", "x", []Source{Dir(filepath.Join(dir, "d"))}, `key "bad name": invalid key`, nil},
		{"dir missing", "x", []Source{Dir(filepath.Join(dir, "nope"))}, "no such file", nil},
		{"env file duplicate", "x", []Source{EnvFile(filepath.Join(dir, "e.env"))}, `line 2: duplicate key "A", first set on line 1`, nil},
		{"env file is a dir", "x", []Source{EnvFile(dir)}, "not a regular file", nil},
		{"env file and literal", "x", []Source{Literal("a", secretValue), Dir(dir), EnvFile(filepath.Join(dir, "e.env"))},
			"encode: source 2 is an EnvFile, source 0 is not: an env file cannot be combined with Literal, File, FileAs, Dir or Tree sources, " +
				"as kubectl refuses it (from-env-file cannot be combined with from-file or from-literal)", nil},
		{"env file and file", "x", []Source{EnvFile(filepath.Join(dir, "nope.env")), File(filepath.Join(dir, "ok"))},
			"encode: source 0 is an EnvFile, source 1 is not", nil},
		{"env file and tree", "x", []Source{EnvFile(filepath.Join(dir, "e.env")), Tree(filepath.Join(dir, "d"))},
			"encode: source 0 is an EnvFile, source 1 is not", nil},
		{"too large file", "x", []Source{File(big)}, "1048577 bytes, more than the limit of 1048576", nil},
		{"too large literals", "x", []Source{Literal("a", strings.Repeat("a", MaxSize/2)), Literal("b", strings.Repeat("b", MaxSize/2+1))}, "1048577 bytes", nil},
		{"invalid name", "Not_A_Name", []Source{Literal("a", secretValue)}, "metadata.name: Invalid value", nil},
		{"empty name", "", nil, "metadata.name: Required value", nil},
		{"nil source", "x", []Source{nil}, "source 0 is nil", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Generic(tc.secret, tc.sources...)
			if err == nil {
				t.Fatalf("want error containing %q, got a Secret with %d keys", tc.want, len(s.Data))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if tc.wantKey != nil {
				var ke *KeyError
				if !errors.As(err, &ke) {
					t.Fatalf("want a *KeyError, got %T", err)
				}
				if diff := cmp.Diff(tc.wantKey, ke); diff != "" {
					t.Errorf("KeyError (-want +got):\n%s", diff)
				}
			}
			noLeak(t, err, secretValue)
		})
	}
}

func TestSizeBoundary(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact")
	over := filepath.Join(dir, "over")
	if err := os.WriteFile(exact, make([]byte, MaxSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(over, make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		sources []Source
		ok      bool
	}{
		{"literal of exactly 1 MiB", []Source{Literal("a", strings.Repeat("x", MaxSize))}, true},
		{"literal one byte more", []Source{Literal("a", strings.Repeat("x", MaxSize+1))}, false},
		{"two literals of exactly 1 MiB", []Source{Literal("a", strings.Repeat("x", MaxSize-1)), Literal("b", "y")}, true},
		{"two literals one byte more", []Source{Literal("a", strings.Repeat("x", MaxSize)), Literal("b", "y")}, false},
		{"file of exactly 1 MiB", []Source{File(exact)}, true},
		{"file one byte more", []Source{File(over)}, false},
		{"literal then file over", []Source{Literal("a", "y"), File(exact)}, false},
		{"env file of exactly 1 MiB of values", []Source{envSource(t, dir, "A="+strings.Repeat("x", MaxSize-1)+"\nB=y\n")}, true},
		{"env file one byte more", []Source{envSource(t, dir, "A="+strings.Repeat("x", MaxSize)+"\nB=y\n")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Generic("big", tc.sources...)
			if tc.ok {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				if errs := Validate(s); len(errs) != 0 {
					t.Errorf("Validate: %v", errs)
				}
				return
			}
			var se *SizeError
			if !errors.As(err, &se) {
				t.Fatalf("want a *SizeError, got %v", err)
			}
			if se.Limit != MaxSize || se.Size <= MaxSize {
				t.Errorf("SizeError: size %d, limit %d", se.Size, se.Limit)
			}
		})
	}
}

// envSource writes content to a fresh env file in dir.
func envSource(t *testing.T, dir, content string) Source {
	t.Helper()
	f, err := os.CreateTemp(dir, "*.env")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return EnvFile(f.Name())
}

func TestGenericDeterministicAndUnshared(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"t/a": "1", "t/b/c": "2"})
	a, err := Generic("x", Tree(filepath.Join(dir, "t")), Literal("k", "v"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generic("x", Tree(filepath.Join(dir, "t")), Literal("k", "v"))
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := Marshal(a, "json")
	jb, _ := Marshal(b, "json")
	if string(ja) != string(jb) {
		t.Error("two builds of the same inputs differ")
	}
	a.Data["k"][0] = 'X'
	if string(b.Data["k"]) != "v" {
		t.Error("two builds share memory")
	}
}
