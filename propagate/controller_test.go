package propagate

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// eventually polls cond until it holds; the generous limit only stops a broken test from
// hanging, it does not measure speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 60*time.Second, true,
		func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("never happened: %s", what)
	}
}

// watches counts established watches; the fake clientset drops events that happen before a
// watch exists, so tests change the world only after every informer watches.
type watches struct {
	mu sync.Mutex
	n  int
}

func (w *watches) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// serveFrom makes c answer every request from tracker, counting watches in w.
func serveFrom(c *fake.Clientset, tracker k8stesting.ObjectTracker, w *watches) {
	if tracker != c.Tracker() {
		c.PrependReactor("*", "*", k8stesting.ObjectReaction(tracker))
	}
	c.PrependWatchReactor("*", func(a k8stesting.Action) (bool, watch.Interface, error) {
		wi, err := tracker.Watch(a.GetResource(), a.GetNamespace())
		if err == nil {
			w.mu.Lock()
			w.n++
			w.mu.Unlock()
		}
		return true, wi, err
	})
}

// copyIs reports whether namespace ns holds an up-to-date copy of the source.
func copyIs(c *fake.Clientset, ns string) bool {
	obj, err := c.Tracker().Get(corev1.SchemeGroupVersion.WithResource("secrets"), ns, src.Name)
	if err != nil {
		return false
	}
	sobj, err := c.Tracker().Get(corev1.SchemeGroupVersion.WithResource("secrets"), src.Namespace, src.Name)
	if err != nil {
		return false
	}
	cp, s := obj.(*corev1.Secret), sobj.(*corev1.Secret)
	return owns(src, cp) && contentHash(s.UID, cp) == contentHash(s.UID, s)
}

func startController(t *testing.T, c *fake.Clientset, cfg ControllerConfig, opts ...Option) (cancel func(), done <-chan error) {
	t.Helper()
	ctrl, err := NewController(c, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- ctrl.Run(ctx) }()
	return cancel, errc
}

func TestControllerFollowsTheCluster(t *testing.T) {
	c := world(2, unowned("default", nil))
	var w watches
	serveFrom(c, c.Tracker(), &w)
	cancel, done := startController(t, c, RunAIConfig())
	defer cancel()
	ctx := context.Background()
	secrets := func(ns string) interface {
		Update(context.Context, *corev1.Secret, metav1.UpdateOptions) (*corev1.Secret, error)
		Delete(context.Context, string, metav1.DeleteOptions) error
	} {
		return c.CoreV1().Secrets(ns)
	}

	eventually(t, "initial copies", func() bool { return copyIs(c, "runai-0") && copyIs(c, "runai-1") })
	eventually(t, "three watches", func() bool { return w.count() >= 3 })

	t.Run("new namespace", func(t *testing.T) {
		if _, err := c.CoreV1().Namespaces().Create(ctx, namespace("runai-new", nil), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "copy in runai-new", func() bool { return copyIs(c, "runai-new") })
	})
	t.Run("source update", func(t *testing.T) {
		s := getSecret(t, c, src.Namespace, src.Name)
		s.Data["a"] = []byte("n3w")
		if _, err := secrets(src.Namespace).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "copies updated", func() bool {
			return copyIs(c, "runai-0") && copyIs(c, "runai-1") && copyIs(c, "runai-new") &&
				string(getSecret(t, c, "runai-0", src.Name).Data["a"]) == "n3w"
		})
	})
	t.Run("copy tampered", func(t *testing.T) {
		cp := getSecret(t, c, "runai-1", src.Name)
		cp.Data["a"] = []byte("tampered")
		if _, err := secrets("runai-1").Update(ctx, cp, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "tampered copy restored", func() bool {
			return string(getSecret(t, c, "runai-1", src.Name).Data["a"]) == "n3w"
		})
	})
	t.Run("copy deleted", func(t *testing.T) {
		if err := secrets("runai-0").Delete(ctx, src.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "deleted copy recreated", func() bool { return copyIs(c, "runai-0") })
	})
	t.Run("opt-in label removed", func(t *testing.T) {
		s := getSecret(t, c, src.Namespace, src.Name)
		delete(s.Labels, RunAIOptInLabel)
		if _, err := secrets(src.Namespace).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "copies removed", func() bool {
			return !hasSecret(c, "runai-0", src.Name) && !hasSecret(c, "runai-1", src.Name) && !hasSecret(c, "runai-new", src.Name)
		})
		s = getSecret(t, c, src.Namespace, src.Name)
		s.Labels[RunAIOptInLabel] = "true"
		if _, err := secrets(src.Namespace).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "copies back after relabel", func() bool { return copyIs(c, "runai-0") && copyIs(c, "runai-new") })
	})
	t.Run("source deleted", func(t *testing.T) {
		if err := secrets(src.Namespace).Delete(ctx, src.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "copies removed", func() bool {
			return !hasSecret(c, "runai-0", src.Name) && !hasSecret(c, "runai-1", src.Name) && !hasSecret(c, "runai-new", src.Name)
		})
	})
	if !hasSecret(c, "default", src.Name) {
		t.Errorf("unowned secret in default was deleted")
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	// The controller never listed or watched Secrets without a label selector outside the
	// source namespace.
	for _, a := range c.Actions() {
		if a.GetResource().Resource != "secrets" || (a.GetVerb() != "list" && a.GetVerb() != "watch") {
			continue
		}
		var sel string
		switch la := a.(type) {
		case k8stesting.ListActionImpl:
			sel = la.ListOptions.LabelSelector + la.ListOptions.FieldSelector
		case k8stesting.WatchActionImpl:
			sel = la.WatchRestrictions.Labels.String() + la.WatchRestrictions.Fields.String()
		}
		if a.GetNamespace() == "" && sel == "" {
			t.Errorf("unrestricted %s of every Secret in the cluster", a.GetVerb())
		}
	}
}

// secretWrites counts c's writes to Secrets.
func secretWrites(c *fake.Clientset) int {
	n := 0
	for _, a := range c.Actions() {
		if a.GetResource().Resource == "secrets" && a.GetVerb() != "get" && a.GetVerb() != "list" && a.GetVerb() != "watch" {
			n++
		}
	}
	return n
}

func TestControllerLeaderElectionOnlyLeaderWrites(t *testing.T) {
	a := world(3)
	var wa, wb watches
	serveFrom(a, a.Tracker(), &wa)
	b := fake.NewClientset() // a second replica's client, same cluster
	serveFrom(b, a.Tracker(), &wb)

	cfg := RunAIConfig()
	cfg.LeaseName, cfg.LeaseNamespace = "podsecrets", "runai"
	cfg.LeaseDuration, cfg.RenewDeadline, cfg.RetryPeriod = 3*time.Second, time.Second, 200*time.Millisecond
	cfgA, cfgB := cfg, cfg
	cfgA.Identity, cfgB.Identity = "replica-a", "replica-b"
	cancelA, doneA := startController(t, a, cfgA)
	defer cancelA()
	cancelB, doneB := startController(t, b, cfgB)
	defer cancelB()

	eventually(t, "copies made", func() bool { return copyIs(a, "runai-0") && copyIs(a, "runai-1") && copyIs(a, "runai-2") })
	holder := func() string {
		obj, err := a.Tracker().Get(leaseGVR, "runai", "podsecrets")
		if err != nil {
			return ""
		}
		return leaseHolder(obj)
	}
	leader, follower, cancelLeader, leaderDone, followerClient := a, b, cancelA, doneA, b
	if holder() == "replica-b" {
		leader, follower, cancelLeader, leaderDone, followerClient = b, a, cancelB, doneB, a
	}
	if secretWrites(leader) == 0 || secretWrites(follower) != 0 {
		t.Fatalf("leader wrote %d times, follower %d; want only the leader", secretWrites(leader), secretWrites(follower))
	}

	// The leader stops; the follower takes over and handles what happens next.
	cancelLeader()
	if err := <-leaderDone; err != nil {
		t.Errorf("leader Run = %v", err)
	}
	stoppedWrites := secretWrites(leader)
	eventually(t, "follower leads", func() bool { return holder() != "" && holder() != leaderName(leader, a) })
	eventually(t, "follower watches", func() bool {
		if followerClient == a {
			return wa.count() >= 3
		}
		return wb.count() >= 3
	})
	if _, err := a.CoreV1().Namespaces().Create(context.Background(), namespace("runai-late", nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "copy in runai-late", func() bool { return copyIs(a, "runai-late") })
	if got := secretWrites(leader); got != stoppedWrites {
		t.Errorf("stopped replica wrote %d more times", got-stoppedWrites)
	}
	if secretWrites(follower) == 0 {
		t.Errorf("new leader wrote nothing")
	}
}

func TestNewControllerRejectsBadConfig(t *testing.T) {
	c := fake.NewClientset()
	cfg := ControllerConfig{
		SourceNamespace: "Bad NS",
		Targets:         Targets{Pattern: "["},
		LeaseName:       "lease",
		LeaseDuration:   time.Second,
		RenewDeadline:   2 * time.Second,
		RetryPeriod:     time.Second,
	}
	_, err := NewController(c, cfg)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"config.sourceNamespace", "config.sourceSelector", "config.targets.pattern", "config.leaseNamespace", "config.identity", "config.leaseDuration"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if _, err := NewController(nil, RunAIConfig()); err == nil {
		t.Errorf("nil client accepted")
	}
	if _, err := NewController(c, RunAIConfig()); err != nil {
		t.Errorf("RunAIConfig rejected: %v", err)
	}
}

func TestRunAIConfig(t *testing.T) {
	cfg := RunAIConfig()
	got := []string{cfg.SourceNamespace, cfg.SourceSelector.String(), cfg.Targets.Pattern}
	if d := cmp.Diff([]string{"runai", "runai/cluster-wide=true", "runai-*"}, got); d != "" {
		t.Errorf("RunAIConfig (-want +got):\n%s", d)
	}
	if !cfg.SourceSelector.Matches(labels.Set{"runai/cluster-wide": "true"}) || cfg.SourceSelector.Matches(labels.Set{"runai/cluster-wide": "false"}) {
		t.Errorf("selector does not match exactly the opt-in label")
	}
}

func TestControllerNamespaceRelabel(t *testing.T) {
	c := world(1)
	var w watches
	serveFrom(c, c.Tracker(), &w)
	cfg := RunAIConfig()
	cfg.Targets = Targets{Selector: labels.SelectorFromSet(labels.Set{"project": "yes"})}
	cancel, done := startController(t, c, cfg)
	defer cancel()
	ctx := context.Background()
	relabel := func(lbls map[string]string) {
		t.Helper()
		ns, err := c.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ns.Labels = lbls
		if _, err := c.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	eventually(t, "initial copy", func() bool { return copyIs(c, "runai-0") })
	eventually(t, "three watches", func() bool { return w.count() >= 3 })
	relabel(map[string]string{"project": "yes"})
	eventually(t, "copy in relabelled namespace", func() bool { return copyIs(c, "default") })
	relabel(nil)
	eventually(t, "copy pruned after the label went", func() bool { return !hasSecret(c, "default", src.Name) })
	if !copyIs(c, "runai-0") {
		t.Errorf("copy in runai-0 lost")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
