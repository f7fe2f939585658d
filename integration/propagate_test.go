package integration

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/podsecrets/podsecrets/propagate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// waitLimit bounds every wait for a controller, so that a hung test fails
// instead of running into go test's -timeout. It is no speed assertion.
const waitLimit = 2 * time.Minute

// bulkNamespaces is how many namespaces the bulk Sync fans out to.
const bulkNamespaces = 1000

// testPropagateBulk syncs one Secret into 1,000 namespaces, syncs again with
// no writes, updates the source and syncs, then removes every copy. Each Sync
// makes exactly three logical reads (LIST pages counted apart).
func testPropagateBulk(t *testing.T, c *cluster) {
	ctx := context.Background()
	srcNS := c.namespace(t)
	const name = "bulk-shared"
	source := types.NamespacedName{Namespace: srcNS, Name: name}
	if _, err := c.client.CoreV1().Secrets(srcNS).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{"token": []byte("v1")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the source: %v", err)
	}

	const label = "podsecrets-it/bulk"
	began := time.Now()
	names := make([]string, bulkNamespaces)
	for i := range names {
		names[i] = fmt.Sprintf("bulk-%04d", i)
	}
	c.createNamespaces(t, names, map[string]string{label: "true"})
	t.Logf("created %d namespaces in %v", bulkNamespaces, time.Since(began).Round(time.Millisecond))
	targets := propagate.Targets{Selector: labels.SelectorFromSet(labels.Set{label: "true"})}

	client, counter := c.countingClient(t)
	runSync := func(step string, want propagate.Action) requestCounts {
		t.Helper()
		before := counter.snapshot()
		began := time.Now()
		report, err := propagate.Sync(ctx, client, source, targets)
		took := time.Since(began)
		counts := counter.snapshot().since(before)
		if err != nil {
			t.Fatalf("%s: Sync: %v", step, err)
		}
		t.Logf("%s: Sync to %d namespaces took %v and made %v; %s", step, bulkNamespaces, took.Round(time.Millisecond), counts, report.Summary())
		if got := report.Count(want); got != bulkNamespaces || len(report.Results) != bulkNamespaces {
			t.Errorf("%s: %s", step, report.Summary())
		}
		if counts.Reads != 3 {
			t.Errorf("%s: %d reads (not counting further LIST pages), want 3", step, counts.Reads)
		}
		return counts
	}

	t.Run("Create", func(t *testing.T) {
		counts := runSync("first sync", propagate.Created)
		if counts.Writes != bulkNamespaces {
			t.Errorf("first sync: %d writes, want %d", counts.Writes, bulkNamespaces)
		}
		// More than 1,000 namespaces and copies do not fit one page of 500.
		if counts.Pages < 2 {
			t.Errorf("first sync: %d further LIST pages, want at least 2", counts.Pages)
		}
		c.expectCopies(t, name, names, map[string][]byte{"token": []byte("v1")})
	})
	t.Run("Resync", func(t *testing.T) {
		if counts := runSync("second sync", propagate.Unchanged); counts.Writes != 0 {
			t.Errorf("second sync: %d writes, want 0", counts.Writes)
		}
	})
	t.Run("SourceUpdate", func(t *testing.T) {
		src, err := c.client.CoreV1().Secrets(srcNS).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		src.Data["token"] = []byte("v2")
		if _, err := c.client.CoreV1().Secrets(srcNS).Update(ctx, src, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("updating the source: %v", err)
		}
		if counts := runSync("sync after update", propagate.Updated); counts.Writes != bulkNamespaces {
			t.Errorf("sync after update: %d writes, want %d", counts.Writes, bulkNamespaces)
		}
		c.expectCopies(t, name, names, map[string][]byte{"token": []byte("v2")})
	})
	t.Run("Remove", func(t *testing.T) {
		before := counter.snapshot()
		began := time.Now()
		report, err := propagate.Remove(ctx, client, source)
		counts := counter.snapshot().since(before)
		if err != nil {
			t.Fatalf("Remove: %v", err)
		}
		t.Logf("Remove from %d namespaces took %v and made %v", bulkNamespaces, time.Since(began).Round(time.Millisecond), counts)
		if got := report.Count(propagate.Deleted); got != bulkNamespaces || len(report.Results) != bulkNamespaces {
			t.Errorf("Remove: %s", report.Summary())
		}
		c.expectCopies(t, name, nil, nil)
		if _, err := c.client.CoreV1().Secrets(srcNS).Get(ctx, name, metav1.GetOptions{}); err != nil {
			t.Errorf("the source after Remove: %v", err)
		}
	})
}

// testPropagateEdges checks, on a real server, what a fake clientset cannot
// show: a same-name Secret that is not ours is left alone, a terminating
// namespace (no namespace controller runs, so a deleted namespace stays
// terminating) is skipped, and the source's namespace is never a target.
func testPropagateEdges(t *testing.T, c *cluster) {
	ctx := context.Background()
	srcNS := c.namespace(t)
	const name = "edge-shared"
	if _, err := c.client.CoreV1().Secrets(srcNS).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Data:       map[string][]byte{"k": []byte("source")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	fresh, taken, dying := "edge-fresh", "edge-taken", "edge-dying"
	c.createNamespaces(t, []string{fresh, taken, dying}, nil)
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string][]byte{"k": []byte("theirs")}}
	if _, err := c.client.CoreV1().Secrets(taken).Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.client.CoreV1().Namespaces().Delete(ctx, dying, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	report, err := propagate.Sync(ctx, c.client, types.NamespacedName{Namespace: srcNS, Name: name},
		propagate.Targets{Names: []string{srcNS, fresh, taken, dying, "edge-missing"}})
	if err == nil {
		t.Errorf("Sync: no error, want the conflict and skips joined")
	}
	got := map[string]propagate.Action{}
	for _, r := range report.Results {
		got[r.Namespace] = r.Action
	}
	want := map[string]propagate.Action{
		fresh:          propagate.Created,
		taken:          propagate.Conflict,
		dying:          propagate.Skipped,
		"edge-missing": propagate.Skipped,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sync actions (-want +got):\n%s", diff)
	}
	left, err := c.client.CoreV1().Secrets(taken).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !secretDataEqual(foreign.Data, left.Data) || left.Labels[propagate.LabelManagedBy] != "" {
		t.Errorf("the Secret that is not ours was modified")
	}
	if _, err := c.client.CoreV1().Secrets(dying).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("copy in the terminating namespace: got %v, want NotFound", err)
	}
}

// testPropagateController runs one Controller and checks that it copies an
// opted-in source into matching namespaces, including one created after it
// started, restores a deleted copy, follows a source update and removes the
// copies when the source opts out.
func testPropagateController(t *testing.T, c *cluster) {
	ctx := context.Background()
	srcNS := c.namespace(t)
	const name, optIn = "ctl-shared", "podsecrets-it/share"
	early, late := "ctl-a-early", "ctl-a-late"
	c.createNamespaces(t, []string{early}, nil)
	secrets := c.client.CoreV1().Secrets(srcNS)
	if _, err := secrets.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{optIn: "true"}},
		Data:       map[string][]byte{"k": []byte("v1")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	c.runController(t, c.client, propagate.ControllerConfig{
		SourceNamespace: srcNS,
		SourceSelector:  labels.SelectorFromSet(labels.Set{optIn: "true"}),
		Targets:         propagate.Targets{Pattern: "ctl-a-*"},
	})

	v1 := map[string][]byte{"k": []byte("v1")}
	c.waitForCopies(t, "a copy in the namespace that existed before", name, []string{early}, v1)

	c.createNamespaces(t, []string{late}, nil)
	c.waitForCopies(t, "a copy in the namespace created afterwards", name, []string{early, late}, v1)

	deleted, err := c.client.CoreV1().Secrets(early).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.client.CoreV1().Secrets(early).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "the deleted copy to come back", func(ctx context.Context) (bool, error) {
		s, err := c.client.CoreV1().Secrets(early).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil && s.UID != deleted.UID, err
	})

	src, err := secrets.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src.Data["k"] = []byte("v2")
	if src, err = secrets.Update(ctx, src, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitForCopies(t, "copies following the source update", name, []string{early, late}, map[string][]byte{"k": []byte("v2")})

	delete(src.Labels, optIn)
	if _, err := secrets.Update(ctx, src, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitForCopies(t, "copies removed after the source opted out", name, nil, nil)
}

// testPropagateLeaderElection runs two Controllers on one Lease: one leads and
// only it writes Secrets; when it stops, the other takes over.
func testPropagateLeaderElection(t *testing.T, c *cluster) {
	ctx := context.Background()
	srcNS := c.namespace(t)
	const name, optIn, lease = "le-shared", "podsecrets-it/le", "podsecrets-it"
	first, second := "le-a-first", "le-a-second"
	c.createNamespaces(t, []string{first}, nil)
	if _, err := c.client.CoreV1().Secrets(srcNS).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{optIn: "true"}},
		Data:       map[string][]byte{"k": []byte("v")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	type replica struct {
		identity string
		counter  *requestCounter
		stop     func()
	}
	replicas := map[string]*replica{}
	for _, id := range []string{"replica-a", "replica-b"} {
		client, counter := c.countingClient(t)
		stop := c.runController(t, client, propagate.ControllerConfig{
			SourceNamespace: srcNS,
			SourceSelector:  labels.SelectorFromSet(labels.Set{optIn: "true"}),
			Targets:         propagate.Targets{Pattern: "le-a-*"},
			LeaseName:       lease,
			LeaseNamespace:  srcNS,
			Identity:        id,
		})
		replicas[id] = &replica{identity: id, counter: counter, stop: stop}
	}
	want := map[string][]byte{"k": []byte("v")}
	c.waitForCopies(t, "a copy made by the leader", name, []string{first}, want)

	l, err := c.client.CoordinationV1().Leases(srcNS).Get(ctx, lease, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Lease: %v", err)
	}
	holder := ""
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	leader, ok := replicas[holder]
	if !ok {
		t.Fatalf("Lease holder %q is neither replica", holder)
	}
	follower := replicas["replica-a"]
	if holder == "replica-a" {
		follower = replicas["replica-b"]
	}
	t.Logf("leader %s made %v; follower %s made %v", leader.identity, leader.counter.snapshot(), follower.identity, follower.counter.snapshot())
	if n := leader.counter.snapshot().SecretWrites; n == 0 {
		t.Errorf("leader %s wrote no Secret", leader.identity)
	}
	if n := follower.counter.snapshot().SecretWrites; n != 0 {
		t.Errorf("follower %s wrote %d Secrets, want 0", follower.identity, n)
	}

	// The leader releases the Lease when it stops; the follower takes over.
	leader.stop()
	c.createNamespaces(t, []string{second}, nil)
	c.waitForCopies(t, "a copy made by the new leader", name, []string{first, second}, want)
	if n := follower.counter.snapshot().SecretWrites; n == 0 {
		t.Errorf("follower %s wrote no Secret after the leader stopped", follower.identity)
	}
}

// runController starts a Controller on client and returns a function that
// stops it and waits for Run to return; it is also called when t ends.
func (c *cluster) runController(t *testing.T, client kubernetes.Interface, cfg propagate.ControllerConfig) (stop func()) {
	t.Helper()
	ctrl, err := propagate.NewController(client, cfg)
	if err != nil {
		t.Fatalf("NewController: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Controller.Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// createNamespaces creates the named namespaces with labels, 16 at a time.
func (c *cluster) createNamespaces(t *testing.T, names []string, lbls map[string]string) {
	t.Helper()
	ctx := context.Background()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	sem := make(chan struct{}, 16)
	for _, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls},
			}, metav1.CreateOptions{})
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("namespace %s: %w", name, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("creating namespaces: %d failed, first: %v", len(errs), errs[0])
	}
}

// copies lists every Secret called name outside the source namespaces
// (those have no podsecrets label) and returns their data by namespace.
func (c *cluster) copies(ctx context.Context, name string) (map[string]map[string][]byte, error) {
	list, err := c.client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String(),
		LabelSelector: labels.SelectorFromSet(labels.Set{propagate.LabelManagedBy: propagate.ManagedBy}).String(),
	})
	if err != nil {
		return nil, err
	}
	out := map[string]map[string][]byte{}
	for _, s := range list.Items {
		out[s.Namespace] = s.Data
	}
	return out, nil
}

// copiesDiff compares the copies of a Secret with the namespaces they should be
// in, each holding data. It returns "" when they match, else which namespaces
// miss a copy, hold one they should not, or hold other data (never the data).
func copiesDiff(got map[string]map[string][]byte, namespaces []string, data map[string][]byte) string {
	var missing, extra, differ []string
	want := map[string]bool{}
	for _, ns := range namespaces {
		want[ns] = true
		d, ok := got[ns]
		switch {
		case !ok:
			missing = append(missing, ns)
		case !secretDataEqual(data, d):
			differ = append(differ, ns)
		}
	}
	for ns := range got {
		if !want[ns] {
			extra = append(extra, ns)
		}
	}
	if len(missing)+len(extra)+len(differ) == 0 {
		return ""
	}
	slices.Sort(extra)
	return fmt.Sprintf("no copy in %v; unexpected copy in %v; other data in %v", missing, extra, differ)
}

// expectCopies checks now that the copies of name are exactly in namespaces, each holding data.
func (c *cluster) expectCopies(t *testing.T, name string, namespaces []string, data map[string][]byte) {
	t.Helper()
	got, err := c.copies(context.Background(), name)
	if err != nil {
		t.Fatalf("listing copies: %v", err)
	}
	if diff := copiesDiff(got, namespaces, data); diff != "" {
		t.Errorf("copies of %s: %s", name, diff)
	}
}

// waitForCopies waits until the copies of name are exactly in namespaces, each holding data.
func (c *cluster) waitForCopies(t *testing.T, what, name string, namespaces []string, data map[string][]byte) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, waitLimit, true, func(ctx context.Context) (bool, error) {
		got, err := c.copies(ctx, name)
		if err != nil {
			return false, err
		}
		last = copiesDiff(got, namespaces, data)
		return last == "", nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v; copies of %s: %s", what, err, name, last)
	}
}

// waitFor polls cond until it holds; a controller acts asynchronously. The
// deadline only bounds a hung test, it is no speed assertion.
func (c *cluster) waitFor(t *testing.T, what string, cond func(context.Context) (bool, error)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, waitLimit, true, cond)
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}
