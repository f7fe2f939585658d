package encode_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/encode"
)

// allocated returns the bytes allocated while f ran (all goroutines; the
// size tests do not run in parallel).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// checkAlloc fails if f allocates limit bytes or more; it skips the
// measurement under -race.
func checkAlloc(t *testing.T, what string, limit uint64, f func()) {
	t.Helper()
	if raceEnabled {
		f()
		return
	}
	if n := allocated(f); n >= limit {
		t.Errorf("%s allocated %.1f MiB, want < %.1f MiB", what, float64(n)/(1<<20), float64(limit)/(1<<20))
	}
}

const mib = 1 << 20

// sparse makes a file of size bytes that costs no disk.
func sparse(t *testing.T, p string, size int64) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(p, size); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHugeFiles: a 100 MiB file is refused by every source with a *SizeError
// (or, for an env file, a line-length error) before it is read: under 8 MiB
// allocated.
func TestHugeFiles(t *testing.T) {
	dir := t.TempDir()
	big := sparse(t, filepath.Join(dir, "d", "big"), 100*mib)
	for what, src := range map[string]encode.Source{
		"File":   encode.File(big),
		"FileAs": encode.FileAs("k", big),
		"Dir":    encode.Dir(filepath.Dir(big)),
		"Tree":   encode.Tree(filepath.Dir(big)),
	} {
		var err error
		checkAlloc(t, what, 8*mib, func() { _, err = encode.Generic("s", src) })
		var se *encode.SizeError
		if !errors.As(err, &se) {
			t.Errorf("%s of a 100 MiB file: err = %v, want a *SizeError", what, err)
		} else if se.Size != 100*mib || se.AtLeast {
			t.Errorf("%s: SizeError.Size = %d (at least: %v), want the file's size from a stat", what, se.Size, se.AtLeast)
		}
	}
	var err error
	checkAlloc(t, "EnvFile", 8*mib, func() { _, err = encode.Generic("s", encode.EnvFile(big)) })
	var ee *encode.EnvFileError
	if !errors.As(err, &ee) || ee.Line != 1 || !strings.Contains(ee.Reason, "longer than") {
		t.Errorf("EnvFile of a 100 MiB file without newline: err = %v, want an *EnvFileError for line 1 saying it is too long", err)
	}
}

// TestHugeEnvLine: a 10 MiB env-file line is refused while reading it, with
// bounded memory.
func TestHugeEnvLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.env")
	writeFile(t, p, "A="+strings.Repeat("x", 10*mib)+"\nB=1\n")
	var err error
	checkAlloc(t, "EnvFile", 8*mib, func() { _, err = encode.Generic("s", encode.EnvFile(p)) })
	var ee *encode.EnvFileError
	if !errors.As(err, &ee) || ee.Line != 1 {
		t.Errorf("err = %v, want an *EnvFileError for line 1", err)
	}
	// Many values that together pass the limit stop at the line that passes it.
	var sb strings.Builder
	for i := range 2000 {
		sb.WriteString("K" + strconv.Itoa(i) + "=" + strings.Repeat("v", 1000) + "\n")
	}
	writeFile(t, p, sb.String())
	_, err = encode.Generic("s", encode.EnvFile(p))
	var se *encode.SizeError
	if !errors.As(err, &se) {
		t.Errorf("2000 values of 1000 bytes: err = %v, want a *SizeError", err)
	}
}

// TestManyKeys: 100,000 keys are handled in bounded memory (no quadratic
// copying) by Generic, Validate, Hash, Marshal, Decode, Merge and TreeItems.
func TestManyKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 keys")
	}
	const n = 100000
	sources := make([]encode.Source, n)
	keys := make([]string, n)
	for i := range n {
		keys[i] = "key-" + strconv.Itoa(i)
		sources[i] = encode.Literal(keys[i], "v")
	}
	var s *corev1.Secret
	var err error
	checkAlloc(t, "Generic", 64*mib, func() { s, err = encode.Generic("many", sources...) })
	if err != nil {
		t.Fatalf("Generic with %d keys: %v", n, err)
	}
	if len(s.Data) != n {
		t.Fatalf("%d keys, want %d", len(s.Data), n)
	}
	checkAlloc(t, "Validate", 64*mib, func() {
		if errs := encode.Validate(s); len(errs) != 0 {
			t.Errorf("Validate: %d errors", len(errs))
		}
	})
	checkAlloc(t, "Hash", 64*mib, func() { encode.Hash(s) })
	var manifest []byte
	checkAlloc(t, "Marshal", 64*mib, func() { manifest, err = encode.Marshal(s, "json") })
	if err != nil {
		t.Fatal(err)
	}
	checkAlloc(t, "Decode", 128*mib, func() { _, err = encode.Decode(manifest) })
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	overlay := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "many"}, Data: map[string][]byte{"extra": []byte("v")}}
	checkAlloc(t, "Merge", 64*mib, func() { _, err = encode.Merge(s, overlay) })
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}

	// A tree annotation with n entries.
	var sb strings.Builder
	sb.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(strconv.Quote(k) + ":" + strconv.Quote("d"+strconv.Itoa(i%100)+"/"+k))
	}
	sb.WriteString("}")
	s.Annotations = map[string]string{encode.TreeAnnotation: sb.String()}
	checkAlloc(t, "TreeItems", 64*mib, func() {
		items, err := encode.TreeItems(s)
		if err != nil || len(items) != n {
			t.Errorf("TreeItems: %d items, %v", len(items), err)
		}
	})
}

// TestHostileManifests: deep nesting, an alias bomb and an oversized manifest
// are refused with a *DecodeError and bounded memory.
func TestHostileManifests(t *testing.T) {
	var indent strings.Builder
	for i := range 3000 {
		indent.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	laughs := "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
	for i, c := range "bcdefghi" {
		prev := string(rune('a' + i))
		laughs += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
	}
	cases := map[string]string{
		"100k nested JSON arrays":  strings.Repeat("[", 100000),
		"100k nested JSON objects": strings.Repeat(`{"a":`, 100000),
		"100k nested YAML flow":    "data: " + strings.Repeat("[", 100000),
		"100k nested YAML block":   strings.Repeat("- ", 100000) + "x",
		"3000 indented mappings":   indent.String(),
		"billion laughs":           laughs,
		"10 MiB stringData":        `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"` + strings.Repeat("x", 10*mib) + `"}}`,
		"10 MiB of YAML comments":  strings.Repeat("#"+strings.Repeat("c", 99)+"\n", 10*mib/100) + "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			checkAlloc(t, "Decode", 16*mib, func() { _, err = encode.Decode([]byte(m)) })
			var de *encode.DecodeError
			if !errors.As(err, &de) {
				t.Errorf("err = %v, want a *DecodeError", err)
			}
		})
	}
}
