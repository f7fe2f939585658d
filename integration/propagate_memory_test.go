package integration

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/podsecrets/podsecrets/propagate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// The memory case: a Controller's resident memory with many unrelated Secrets in the
// cluster against none, with the same copies.
const (
	memSources    = 5      // opted-in sources in namespace runai
	memNamespaces = 20     // project namespaces runai-mem-NN
	memUnrelated  = 20_000 // Secrets no informer of the Controller selects
	memValueSize  = 4 << 10
	memLabel      = "podsecrets-it/memory"
)

// testPropagateMemory runs the Controller of examples/runai (`runai secret set NAME
// --cluster-wide --watch`) as a child process twice on the same sources and copies: first
// with no unrelated Secrets in the cluster, then with 20,000 unrelated Secrets of 4 KiB
// (78 MiB of data) in the project namespaces and in the source namespace itself, none of
// them opted in or a copy. Each run starts with one copy per source missing, waits until
// the Controller has made them (so every source was synced after its informers listed),
// lets it settle and reads the child's VmRSS and VmHWM from /proc. The package promises that
// memory grows with copies, not with every Secret in the cluster: the growth must stay under
// half of the unrelated data, which caching those Secrets would exceed. Skipped with -short.
func testPropagateMemory(t *testing.T, c *cluster) {
	if testing.Short() {
		t.Skip("creates 20,000 Secrets; skipped with -short")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read a process's memory")
	}
	ctx := context.Background()
	bin := c.buildExample(t, "runai")
	kubeconfig := c.writeKubeconfig(t, t.TempDir())

	projects := make([]string, memNamespaces)
	for i := range projects {
		projects[i] = fmt.Sprintf("runai-mem-%02d", i)
	}
	c.createNamespaces(t, projects, nil)
	if _, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "runai"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	value := bytes.Repeat([]byte("m"), memValueSize)
	var sources []string
	for i := range memSources {
		name := fmt.Sprintf("mem-src-%d", i)
		sources = append(sources, name)
		c.createSource(t, "runai", name, corev1.SecretTypeOpaque, false, map[string][]byte{"v": value},
			map[string]string{propagate.RunAIOptInLabel: "true"})
		mustSync(t, ctx, c.client, types.NamespacedName{Namespace: "runai", Name: name}, propagate.Targets{Pattern: "runai-*"}, propagate.Created)
	}
	// The unrelated Secrets stay, as namespaces do: deleting 20,000 would take longer than
	// making them, and the server goes away with the test.
	t.Cleanup(func() {
		for _, name := range sources {
			_, _ = propagate.Remove(ctx, c.client, types.NamespacedName{Namespace: "runai", Name: name})
			_ = c.client.CoreV1().Secrets("runai").Delete(ctx, name, metav1.DeleteOptions{})
		}
	})
	copies, err := c.client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{propagate.LabelManagedBy: propagate.ManagedBy, propagate.LabelSourceNamespace: "runai"}).String(),
	})
	if err != nil {
		t.Fatal(err)
	}

	measure := func(what string) procMemory {
		t.Helper()
		for _, name := range sources {
			if err := c.client.CoreV1().Secrets(projects[0]).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
				t.Fatalf("%s: deleting a copy: %v", what, err)
			}
		}
		p := startChild(t, bin, "secret", "set", sources[0], "--cluster-wide", "--watch", "--kubeconfig", kubeconfig)
		defer p.stop(t)
		c.waitFor(t, what+": the Controller restoring the missing copies", func(ctx context.Context) (bool, error) {
			for _, name := range sources {
				if _, err := c.client.CoreV1().Secrets(projects[0]).Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
					return false, nil
				} else if err != nil {
					return false, err
				}
			}
			return true, nil
		})
		time.Sleep(3 * time.Second) // let it settle: the copies' own events sync the sources again
		m, err := readProcMemory(p.cmd.Process.Pid)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%s: Controller VmRSS %d KiB, VmHWM %d KiB", what, m.RSS, m.HWM)
		return m
	}

	none := measure("no unrelated Secrets")
	began := time.Now()
	c.createUnrelated(t, append([]string{"runai"}, projects...), memUnrelated, value)
	t.Logf("created %d unrelated Secrets of %d KiB in %v", memUnrelated, memValueSize>>10, time.Since(began).Round(time.Millisecond))
	many := measure(fmt.Sprintf("%d unrelated Secrets", memUnrelated))

	unrelatedKiB := int64(memUnrelated) * memValueSize >> 10
	t.Logf("%d copies of %d sources in %d namespaces; unrelated data %d KiB; VmRSS ratio %.2f, VmHWM ratio %.2f",
		len(copies.Items), memSources, memNamespaces, unrelatedKiB,
		float64(many.RSS)/float64(none.RSS), float64(many.HWM)/float64(none.HWM))
	if growth := many.HWM - none.HWM; growth > unrelatedKiB/2 {
		t.Errorf("the Controller's peak memory grew by %d KiB with %d KiB of unrelated Secrets in the cluster; want it not to hold them", growth, unrelatedKiB)
	}
}

// createUnrelated creates n Secrets labelled memLabel, spread over namespaces, 64 at a time
// and in protobuf, which spares the API server most of the cost of decoding 4 KiB of base64.
func (c *cluster) createUnrelated(t *testing.T, namespaces []string, n int, value []byte) {
	t.Helper()
	ctx := context.Background()
	config := rest.CopyConfig(c.config)
	config.ContentType = runtime.ContentTypeProtobuf
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	jobs := make(chan int)
	for range 64 {
		wg.Go(func() {
			for i := range jobs {
				ns := namespaces[i%len(namespaces)]
				_, err := client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("unrelated-%05d", i), Labels: map[string]string{memLabel: "unrelated"}},
					Data:       map[string][]byte{"v": value},
				}, metav1.CreateOptions{})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("creating unrelated Secrets: %v", firstErr)
	}
}

// child is a running program whose memory a test reads.
type child struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	once   sync.Once
}

// startChild starts bin with args, waits for its first line of output and returns it
// running; stop ends it with SIGTERM (also when t ends).
func startChild(t *testing.T, bin string, args ...string) *child {
	t.Helper()
	p := &child{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() { p.stop(t) })
	first := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		first <- s.Scan()
		for s.Scan() { // drain, so that the program never blocks on a full pipe
		}
	}()
	select {
	case ok := <-first:
		if !ok {
			t.Fatalf("%s printed nothing; stderr:\n%s", bin, p.stderr.String())
		}
	case <-time.After(waitLimit):
		t.Fatalf("%s printed no line; stderr:\n%s", bin, p.stderr.String())
	}
	return p
}

// stop sends SIGTERM and waits for the program to exit.
func (p *child) stop(t *testing.T) {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s exited with %v; stderr:\n%s", p.cmd.Path, err, p.stderr.String())
			}
		case <-time.After(time.Minute):
			_ = p.cmd.Process.Kill()
			t.Errorf("%s did not stop within a minute of SIGTERM", p.cmd.Path)
		}
	})
}

// procMemory is a process's resident memory, in KiB.
type procMemory struct {
	RSS int64 // VmRSS: resident now
	HWM int64 // VmHWM: the peak of VmRSS
}

// readProcMemory reads VmRSS and VmHWM of process pid from /proc.
func readProcMemory(pid int) (procMemory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procMemory{}, err
	}
	var m procMemory
	for _, line := range strings.Split(string(data), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok || key != "VmRSS" && key != "VmHWM" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return procMemory{}, fmt.Errorf("/proc/%d/status: unexpected %s line %q", pid, key, line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return procMemory{}, fmt.Errorf("/proc/%d/status: %s: %v", pid, key, err)
		}
		if key == "VmRSS" {
			m.RSS = n
		} else {
			m.HWM = n
		}
	}
	if m.RSS == 0 || m.HWM == 0 {
		return procMemory{}, fmt.Errorf("/proc/%d/status: no VmRSS or VmHWM", pid)
	}
	return m, nil
}
