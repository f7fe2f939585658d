package encode_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/podsecrets/podsecrets/encode"
)

// swapper replaces link again and again, atomically (rename over it), with a
// symlink to each of targets in turn, until stop is called.
func swapper(t *testing.T, link string, targets ...string) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tmp := link + ".tmp"
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			_ = os.Remove(tmp)
			if err := os.Symlink(targets[i%len(targets)], tmp); err != nil {
				t.Error(err)
				return
			}
			if err := os.Rename(tmp, link); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// TestFileSwappedForPipe: a file replaced by a named pipe between the check
// and the open must not block File, FileAs or EnvFile (a pipe nobody writes to
// would block a plain open for ever). Many iterations make the swap land in
// the window; a blocked call is detected and released, never timed.
func TestFileSwappedForPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	regular := filepath.Join(dir, "regular")
	writeFile(t, regular, "A=1\n")
	link := filepath.Join(dir, "link")
	stop := swapper(t, link, regular, fifo)
	defer stop()

	iterations := 4000
	if testing.Short() {
		iterations = 300
	}
	sources := map[string]encode.Source{"File": encode.File(link), "EnvFile": encode.EnvFile(link)}
	for what, src := range sources {
		for i := 0; i < iterations; i++ {
			done := make(chan error, 1)
			go func() {
				s, err := encode.Generic("s", src)
				if err == nil && len(s.Data) != 1 {
					t.Errorf("%s: %d keys from the regular file, want 1 (a pipe read as empty?)", what, len(s.Data))
				}
				done <- err
			}()
			select {
			case <-done:
				continue
			case <-time.After(10 * time.Second):
			}
			// Blocked: release the reader by opening the pipe for writing.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			<-done
			t.Fatalf("%s blocked opening a file swapped for a named pipe (iteration %d)", what, i)
		}
	}
}

// TestTreeSwappedForOutsideSymlink: a file and a folder inside a tree are
// replaced, again and again while Tree reads, by symlinks that lead outside;
// whatever Tree returns (data or an error), it never holds outside content.
func TestTreeSwappedForOutsideSymlink(t *testing.T) {
	base := t.TempDir()
	const outside = "OUTSIDE-CONTENT"
	writeFile(t, filepath.Join(base, "outside", "f"), outside)
	writeFile(t, filepath.Join(base, "outside", "sub", "f"), outside)
	tree := filepath.Join(base, "tree")
	writeFile(t, filepath.Join(tree, "real-f"), "inside")
	writeFile(t, filepath.Join(tree, "real-sub", "f"), "inside")
	stopF := swapper(t, filepath.Join(tree, "f"), "real-f", "real-f", filepath.Join(base, "outside", "f"), "real-f", "../outside/f")
	defer stopF()
	stopD := swapper(t, filepath.Join(tree, "sub"), "real-sub", "real-sub", filepath.Join(base, "outside", "sub"), "real-sub", "../outside/sub")
	defer stopD()

	iterations := 2000
	if testing.Short() {
		iterations = 200
	}
	var read, refused int
	for i := 0; i < iterations; i++ {
		s, err := encode.Generic("s", encode.Tree(tree))
		if err != nil {
			refused++
			if strings.Contains(err.Error(), outside) {
				t.Fatal("an error quotes outside content")
			}
			continue
		}
		read++
		for k, v := range s.Data {
			if strings.Contains(string(v), outside) {
				t.Fatalf("iteration %d: key %q holds content from outside the tree", i, k)
			}
		}
	}
	t.Logf("%d reads, %d refusals", read, refused)
}

// TestDirSwappedForSymlink: Dir takes no symlinks (kubectl's rule). A regular
// file replaced, again and again while Dir reads, by a symlink to a file
// outside must never have the outside content read: Dir either reads the
// regular file or fails.
func TestDirSwappedForSymlink(t *testing.T) {
	base := t.TempDir()
	const outside = "OUTSIDE-CONTENT"
	writeFile(t, filepath.Join(base, "outside"), outside)
	dir := filepath.Join(base, "dir")
	writeFile(t, filepath.Join(dir, ".real"), "inside")
	writeFile(t, filepath.Join(dir, "f"), "inside")
	// swapper makes symlinks only; alternate with a hard link to a regular file.
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, tmp := filepath.Join(dir, "f"), filepath.Join(base, "tmp")
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			_ = os.Remove(tmp)
			var err error
			if i%2 == 0 {
				err = os.Link(filepath.Join(dir, ".real"), tmp)
			} else {
				err = os.Symlink(filepath.Join(base, "outside"), tmp)
			}
			if err == nil {
				err = os.Rename(tmp, f)
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { close(done); wg.Wait() }()

	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	var read, refused int
	for i := 0; i < iterations; i++ {
		s, err := encode.Generic("s", encode.Dir(dir))
		if err != nil {
			refused++
			continue
		}
		read++
		if strings.Contains(string(s.Data["f"]), outside) {
			t.Fatalf("iteration %d: Dir followed a symlink swapped in after listing and read a file outside", i)
		}
	}
	t.Logf("%d reads, %d refusals", read, refused)
}
