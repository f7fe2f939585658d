package rollout

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
)

// TestRollsOptedInConsumers: a change rolls exactly the opted-in workloads whose templates
// read the changed key (every kind), never one that did not opt in, and a key nobody reads
// rolls nothing.
func TestRollsOptedInConsumers(t *testing.T) {
	c := fake.NewClientset(dbSecret("p1", "o1"))
	appSpec := envSpec("db", "password")
	c = fake.NewClientset(dbSecret("p1", "o1"),
		deployment("app", true, appSpec, hashOf(t, c, appSpec)),         // stamped: a durable baseline
		deployment("bystander", false, envSpec("db", "other"), ""),      // not opted in
		deployment("elsewhere", true, envSpec("other-secret", "k"), ""), // another Secret
		&appsv1.StatefulSet{ObjectMeta: meta("sts", true), Spec: appsv1.StatefulSetSpec{Template: tmpl(mountSpec("db"))}},
		&appsv1.DaemonSet{ObjectMeta: meta("ds", true), Spec: appsv1.DaemonSetSpec{Template: tmpl(envSpec("db", "other"))}},
	)
	l, w := start(t, c, Config{Namespace: ns, Debounce: 20 * time.Millisecond,
		LeaseName: "rollout", LeaseNamespace: "kube-system", Identity: "me",
		LeaseDuration: 3 * time.Second, RenewDeadline: time.Second, RetryPeriod: 200 * time.Millisecond})
	eventually(t, "the app up to date, the others' baselines", func() bool {
		return l.count("up to date", "Deployment team/app") > 0 && l.count("baseline taken", "StatefulSet team/sts") > 0 &&
			l.count("baseline taken", "DaemonSet team/ds") > 0
	})
	watchingSecrets(t, w)
	time.Sleep(200 * time.Millisecond) // the initial events settle
	before := l.count("up to date", "Deployment team/app")

	// "other" is read by the DaemonSet and by the StatefulSet's whole mount, not by the app.
	updateSecret(t, c, dbSecret("p1", "o2"))
	eventually(t, "sts and ds rolled, app looked at", func() bool {
		return len(patches(c, "sts")) == 1 && len(patches(c, "ds")) == 1 && l.count("up to date", "Deployment team/app") > before
	})
	if got := patches(c, "app"); got != nil {
		t.Errorf("a key the app does not read rolled it: %v", got)
	}
	if diff := cmp.Diff([]string{patchFor(hashOf(t, c, mountSpec("db")))}, patches(c, "sts")); diff != "" {
		t.Errorf("StatefulSet patch (-want +got):\n%s", diff)
	}

	updateSecret(t, c, dbSecret("p2", "o2"))
	eventually(t, "app rolled", func() bool { return len(patches(c, "app")) == 1 })
	if diff := cmp.Diff([]string{patchFor(hashOf(t, c, appSpec))}, patches(c, "app")); diff != "" {
		t.Errorf("Deployment patch (-want +got):\n%s", diff)
	}
	d, err := c.AppsV1().Deployments(ns).Get(context.Background(), "app", metav1.GetOptions{})
	if err != nil || d.Spec.Template.Annotations["podsecrets.io/secrets-hash"] != hashOf(t, c, appSpec) {
		t.Errorf("the app's template does not carry the new hash: %v %v", err, d.Spec.Template.Annotations)
	}
	time.Sleep(200 * time.Millisecond)
	for _, name := range []string{"bystander", "elsewhere"} {
		if got := patches(c, name); got != nil {
			t.Errorf("%s was patched: %v", name, got)
		}
	}
	if got := len(patches(c, "sts")); got != 2 {
		t.Errorf("the StatefulSet mounts every key: %d patches, want 2", got)
	}
	if got := len(patches(c, "ds")); got != 1 {
		t.Errorf("the DaemonSet reads only other: %d patches, want 1", got)
	}
	if l.count("leading") == 0 {
		t.Errorf("no leading line logged: %v", l.all())
	}
	for _, line := range l.all() {
		for _, v := range []string{"p1", "p2", "o1", "o2"} {
			if strings.Contains(line, `"`+v+`"`) {
				t.Errorf("a log line holds a value: %s", line)
			}
		}
	}
}

func tmpl(spec corev1.PodSpec) corev1.PodTemplateSpec { return corev1.PodTemplateSpec{Spec: spec} }

// TestDebounce: several updates within the debounce make one roll.
func TestDebounce(t *testing.T) {
	spec := envSpec("db", "password")
	c := fake.NewClientset(dbSecret("p0", "o"))
	c = fake.NewClientset(dbSecret("p0", "o"), deployment("app", true, spec, hashOf(t, c, spec)))
	l, w := start(t, c, Config{Debounce: 500 * time.Millisecond})
	eventually(t, "app up to date", func() bool { return l.count("up to date", "Deployment team/app") > 0 })
	watchingSecrets(t, w)
	for _, p := range []string{"p1", "p2", "p3", "p4"} {
		updateSecret(t, c, dbSecret(p, "o"))
	}
	eventually(t, "app rolled", func() bool { return len(patches(c, "app")) > 0 })
	time.Sleep(time.Second)
	if diff := cmp.Diff([]string{patchFor(hashOf(t, c, spec))}, patches(c, "app")); diff != "" {
		t.Errorf("patches (-want +got):\n%s", diff)
	}
}

// TestNoLeaseNoRoll: a replica that does not hold the Lease touches nothing.
func TestNoLeaseNoRoll(t *testing.T) {
	spec := envSpec("db", "password")
	c := fake.NewClientset(dbSecret("p0", "o"))
	now := metav1.NewMicroTime(time.Now())
	lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "rollout", Namespace: "kube-system"},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptrTo("other"), LeaseDurationSeconds: ptrTo[int32](3600),
			AcquireTime: &now, RenewTime: &now}}
	c = fake.NewClientset(dbSecret("p0", "o"), lease, deployment("app", true, spec, hashOf(t, c, spec)))
	start(t, c, Config{Debounce: time.Millisecond, LeaseName: "rollout", LeaseNamespace: "kube-system", Identity: "me",
		LeaseDuration: 3 * time.Second, RenewDeadline: time.Second, RetryPeriod: 100 * time.Millisecond})
	updateSecret(t, c, dbSecret("p1", "o"))
	time.Sleep(time.Second)
	if got := patches(c, "app"); got != nil {
		t.Errorf("patched without the Lease: %v", got)
	}
	for _, a := range c.Actions() {
		if slices.Contains([]string{"list", "watch"}, a.GetVerb()) && a.GetResource().Resource != "leases" {
			t.Errorf("a replica without the Lease watches %s", a.GetResource().Resource)
		}
	}
}

// TestMissingSecretNoRoll: a required Secret deleted does not roll (new pods would not start).
func TestMissingSecretNoRoll(t *testing.T) {
	spec := envSpec("db", "password")
	c := fake.NewClientset(dbSecret("p0", "o"))
	c = fake.NewClientset(dbSecret("p0", "o"), deployment("app", true, spec, hashOf(t, c, spec)))
	l, w := start(t, c, Config{Debounce: time.Millisecond})
	eventually(t, "app up to date", func() bool { return l.count("up to date") > 0 })
	watchingSecrets(t, w)
	if err := c.CoreV1().Secrets(ns).Delete(context.Background(), "db", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refusal logged", func() bool { return l.count("not rolling", `Secret \"db\" does not exist`) > 0 })
	if got := patches(c, "app"); got != nil {
		t.Errorf("patched: %v", got)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{name: "zero is valid", cfg: Config{}},
		{name: "everything", cfg: Config{Namespace: "Bad_NS", Selector: labels.Everything(), Debounce: -1, LeaseName: "x"},
			want: []string{"config.namespace", "config.selector", "config.debounce", "config.leaseNamespace", "config.identity"}},
		{name: "lease timing", cfg: Config{LeaseName: "x", LeaseNamespace: "n", Identity: "i", LeaseDuration: time.Second, RenewDeadline: 2 * time.Second},
			want: []string{"config.leaseDuration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.cfg.Validate(field.NewPath("config")) {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := NewController(nil, Config{}); err == nil {
		t.Error("nil client: no error")
	}
	// The refusal of labels.Everything() says so in words, not as an empty value.
	_, err := NewController(fake.NewClientset(), Config{Selector: labels.Everything()})
	const want = `rollout: NewController: config.selector: Forbidden: an empty selector (labels.Everything()) selects every workload; workloads opt in with a label, e.g. podsecrets.io/restart-on-rotation=true (nil selects that one)`
	if err == nil || err.Error() != want {
		t.Errorf("labels.Everything(): error %v\nwant %s", err, want)
	}
}
