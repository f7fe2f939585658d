package integration

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// buildExample builds the example program in ../examples/<name> in the library's
// own module, as a user would, once per cluster, and returns the path of the binary.
func (c *cluster) buildExample(t *testing.T, name string) string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if bin, ok := c.examples[name]; ok {
		return bin
	}
	bin := filepath.Join(c.binDir, name)
	cmd := exec.Command("go", "build", "-o", bin, "./examples/"+name)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/%s: %v\n%s", name, err, out)
	}
	c.examples[name] = bin
	return bin
}

// runProgram runs bin with args to completion and returns its standard output.
func runProgram(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s", filepath.Base(bin), args[0], err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// startProgram starts bin with args, waits for the first line of its standard
// output and returns it. When t ends the program gets SIGTERM and is waited for.
func startProgram(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", filepath.Base(bin), err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s %s exited with %v; stderr:\n%s", filepath.Base(bin), args[0], err, stderr.String())
			}
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			t.Errorf("%s %s did not stop within a minute of SIGTERM", filepath.Base(bin), args[0])
		}
	})
	lines := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		if scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
		for scanner.Scan() { // keep draining so the program never blocks on a full pipe
		}
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			t.Fatalf("%s %s printed nothing; stderr:\n%s", filepath.Base(bin), args[0], stderr.String())
		}
		return line
	case <-time.After(waitLimit):
		t.Fatalf("%s %s printed no line; stderr:\n%s", filepath.Base(bin), args[0], stderr.String())
		return ""
	}
}

// lockedBuffer is a bytes.Buffer safe for a process writing while a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// writeKubeconfig writes a kubeconfig for the test API server into dir and returns its path.
func (c *cluster) writeKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["integration"] = &clientcmdapi.Cluster{
		Server:                   c.config.Host,
		CertificateAuthorityData: c.config.CAData,
		TLSServerName:            c.config.ServerName,
	}
	cfg.AuthInfos["integration"] = &clientcmdapi.AuthInfo{
		Token:                 c.config.BearerToken,
		ClientCertificateData: c.config.CertData,
		ClientKeyData:         c.config.KeyData,
	}
	cfg.Contexts["integration"] = &clientcmdapi.Context{Cluster: "integration", AuthInfo: "integration"}
	cfg.CurrentContext = "integration"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatalf("writing the kubeconfig: %v", err)
	}
	return path
}
