package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec"
)

// The Leases the copier of examples/runai/deploy holds (examples/runai/controller.go).
var runaiLeases = []string{"podsecrets-runai-copier", "podsecrets-runai-rollout"}

// testRunaiDeploy applies examples/runai/deploy and proves its RBAC: the copier, built from
// examples/runai and run as the Deployment's container runs it (its args, with its own
// ServiceAccount's token), does its whole work with every rule, and each verb of each rule
// is needed (see runaiCopierWork).
func testRunaiDeploy(t *testing.T, c *cluster) {
	bin := c.buildExample(t, "runai")
	c.proveLeastPrivilege(t, leastPrivilege{
		Dir:   "../examples/runai/deploy",
		Bound: time.Minute,
		Scenario: func(ctx context.Context, t *testing.T, run *privilegeRun) error {
			return c.runaiCopierWork(ctx, t, run, bin)
		},
	})
}

// runaiCopierWork is the copier's work, each step needing some of its permissions, in a
// world of its own (names carry run.Seq): a labelled source in runai is copied into project
// runai-lpN-a (secrets get, list, watch, create; namespaces list, watch); someone else's Secret
// of that name in runai-lpN-b is left alone and recorded as a CopyConflict Event on the source
// (events create), which repeats when project runai-lpN-c appears (events patch: a series); a
// Deployment, StatefulSet and DaemonSet in runai-lpN-a that opted in and read the copy restart
// when the source changes (secrets update; apps list, watch, patch), each with a SecretsChanged
// Event; the copies go when the source loses its label (secrets delete); both Leases are held
// and renewed (leases get, create, update).
func (c *cluster) runaiCopierWork(ctx context.Context, t *testing.T, run *privilegeRun, bin string) error {
	admin := c.client
	bg := context.Background()
	name := fmt.Sprintf("lp%d-creds", run.Seq)
	nsA, nsB, nsC := fmt.Sprintf("runai-lp%d-a", run.Seq), fmt.Sprintf("runai-lp%d-b", run.Seq), fmt.Sprintf("runai-lp%d-c", run.Seq)
	c.ensureNamespace(t, "runai")
	c.createNamespaces(t, []string{nsA, nsB}, nil)
	for _, lease := range runaiLeases { // each run campaigns from scratch: create is needed
		if err := admin.CoordinationV1().Leases("runai").Delete(bg, lease, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
	if _, err := admin.CoreV1().Secrets(nsB).Create(bg, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name},
		Data: map[string][]byte{"theirs": []byte("x")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	source := c.createSource(t, "runai", name, corev1.SecretTypeOpaque, false, map[string][]byte{"token": []byte("v1")},
		map[string]string{propagate.RunAIOptInLabel: "true"})
	t.Cleanup(func() { c.cleanRunaiRun(t, name) })

	d := deployKind[appsv1.Deployment](t, run.Objects, "Deployment")[0]
	identity := fmt.Sprintf("copier-%d", run.Seq)
	p := run.start(t, bin, append(podArgs(t, d, "copier", identity), "--kubeconfig", run.Kubeconfig)...)
	step := func(what string, cond func(context.Context) (bool, error)) error {
		if err := waitWork(ctx, t, what, cond); err != nil {
			return fmt.Errorf("%w; the copier wrote:\n%s", err, p.tail(1500))
		}
		return nil
	}
	copyHas := func(ns, value string) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			s, err := admin.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			return err == nil && string(s.Data["token"]) == value, err
		}
	}

	if err := step("the copy in "+nsA, copyHas(nsA, "v1")); err != nil {
		return err
	}
	conflict := func(series bool) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			e, err := c.findEvent(ctx, "runai", source.UID, propagate.EventReasonConflict, nsB)
			return e != nil && (!series || e.Series != nil && e.Series.Count >= 2), err
		}
	}
	if err := step("a CopyConflict Event on the source for "+nsB, conflict(false)); err != nil {
		return err
	}
	c.createNamespaces(t, []string{nsC}, nil)
	if err := step("the copy in the new project "+nsC, copyHas(nsC, "v1")); err != nil {
		return err
	}
	if err := step("the CopyConflict Event counted again (a series)", conflict(true)); err != nil {
		return err
	}

	workloads := c.createRotatingWorkloads(t, nsA, name)
	if err := c.updateSourceData(bg, "runai", name, map[string][]byte{"token": []byte("v2")}); err != nil {
		t.Fatal(err)
	}
	if err := step("the copies updated", func(ctx context.Context) (bool, error) {
		a, err := copyHas(nsA, "v2")(ctx)
		if !a || err != nil {
			return a, err
		}
		return copyHas(nsC, "v2")(ctx)
	}); err != nil {
		return err
	}
	for _, w := range workloads {
		if err := step("restarted, with a SecretsChanged Event: "+w.describe(), func(ctx context.Context) (bool, error) {
			rolled, uid, err := w.rolled(ctx)
			if !rolled || err != nil {
				return false, err
			}
			e, err := c.findEvent(ctx, nsA, uid, rollout.EventReasonRolled, "")
			return e != nil, err
		}); err != nil {
			return err
		}
	}

	if err := c.updateSourceLabels(bg, "runai", name, nil); err != nil {
		t.Fatal(err)
	}
	if err := step("the copies removed once the source lost its label", func(ctx context.Context) (bool, error) {
		got, err := c.copies(ctx, name)
		return len(got) == 0, err
	}); err != nil {
		return err
	}
	for _, lease := range runaiLeases {
		if err := step("Lease "+lease+" held by "+identity+" and renewed", func(ctx context.Context) (bool, error) {
			l, err := admin.CoordinationV1().Leases("runai").Get(ctx, lease, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			return err == nil && l.Spec.HolderIdentity != nil && *l.Spec.HolderIdentity == identity &&
				l.Spec.AcquireTime != nil && l.Spec.RenewTime != nil && l.Spec.RenewTime.After(l.Spec.AcquireTime.Time), err
		}); err != nil {
			return err
		}
	}
	return nil
}

// findEvent returns the events.k8s.io Event in ns of reason about the object with uid (and,
// when relatedNS is set, related to an object in that namespace), or nil.
func (c *cluster) findEvent(ctx context.Context, ns string, uid types.UID, reason, relatedNS string) (*eventsv1.Event, error) {
	list, err := c.client.EventsV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for i, e := range list.Items {
		if e.Reason == reason && e.Regarding.UID == uid && (relatedNS == "" || e.Related != nil && e.Related.Namespace == relatedNS) {
			return &list.Items[i], nil
		}
	}
	return nil, nil
}

// rotatingWorkload is an opted-in workload of the copier's work, stamped with the hash of
// what it reads.
type rotatingWorkload struct {
	kind, namespace, name, stamp string
	get                          func(context.Context) (runtime.Object, *corev1.PodTemplateSpec, error)
}

func (w rotatingWorkload) describe() string { return w.kind + " " + w.namespace + "/" + w.name }

// rolled reports whether the workload's template carries another stamp, and its UID.
func (w rotatingWorkload) rolled(ctx context.Context) (bool, types.UID, error) {
	obj, tmpl, err := w.get(ctx)
	if err != nil {
		return false, "", err
	}
	m, _ := obj.(metav1.Object)
	return tmpl.Annotations[inject.AnnotationSecretsHash] != w.stamp, m.GetUID(), nil
}

// createRotatingWorkloads creates a Deployment, a StatefulSet and a DaemonSet in ns that
// opted in to restarts and read key token of Secret secret, stamped as a webhook using
// inject.WithSecretsHash stamps them.
func (c *cluster) createRotatingWorkloads(t *testing.T, ns, secret string) []rotatingWorkload {
	t.Helper()
	ctx := context.Background()
	refs := []secretspec.Ref{{Secret: secret, Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	labels := map[string]string{"app": "rotating"}
	tmpl, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
	}, refs, inject.WithSecretsHash(preflight.FromClient(ctx, c.client, ns)))
	if err != nil {
		t.Fatal(err)
	}
	stamp := tmpl.Annotations[inject.AnnotationSecretsHash]
	meta := metav1.ObjectMeta{Name: "rotating", Namespace: ns, Labels: map[string]string{rollout.LabelOptIn: "true"}}
	selector := &metav1.LabelSelector{MatchLabels: labels}
	apps := c.client.AppsV1()
	if _, err := apps.Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{Selector: selector, Template: *tmpl}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := apps.StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{ObjectMeta: meta,
		Spec: appsv1.StatefulSetSpec{Selector: selector, Template: *tmpl}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := apps.DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: meta,
		Spec: appsv1.DaemonSetSpec{Selector: selector, Template: *tmpl}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return []rotatingWorkload{
		{"Deployment", ns, "rotating", stamp, func(ctx context.Context) (runtime.Object, *corev1.PodTemplateSpec, error) {
			d, err := apps.Deployments(ns).Get(ctx, "rotating", metav1.GetOptions{})
			if err != nil {
				return nil, nil, err
			}
			return d, &d.Spec.Template, nil
		}},
		{"StatefulSet", ns, "rotating", stamp, func(ctx context.Context) (runtime.Object, *corev1.PodTemplateSpec, error) {
			s, err := apps.StatefulSets(ns).Get(ctx, "rotating", metav1.GetOptions{})
			if err != nil {
				return nil, nil, err
			}
			return s, &s.Spec.Template, nil
		}},
		{"DaemonSet", ns, "rotating", stamp, func(ctx context.Context) (runtime.Object, *corev1.PodTemplateSpec, error) {
			d, err := apps.DaemonSets(ns).Get(ctx, "rotating", metav1.GetOptions{})
			if err != nil {
				return nil, nil, err
			}
			return d, &d.Spec.Template, nil
		}},
	}
}

// updateSourceData sets the data of Secret ns/name.
func (c *cluster) updateSourceData(ctx context.Context, ns, name string, data map[string][]byte) error {
	s, err := c.client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	s.Data = data
	_, err = c.client.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
	return err
}

// updateSourceLabels sets the labels of Secret ns/name.
func (c *cluster) updateSourceLabels(ctx context.Context, ns, name string, lbls map[string]string) error {
	s, err := c.client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	s.Labels = lbls
	_, err = c.client.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
	return err
}

// cleanRunaiRun deletes, as the admin, what a run of the copier's work left: its source and
// every Secret of its name (copies a run without delete could not remove, and the foreign
// one), so that later runs sync only their own source.
func (c *cluster) cleanRunaiRun(t *testing.T, name string) {
	ctx := context.Background()
	list, err := c.client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	if err != nil {
		t.Errorf("cleaning up: %v", err)
		return
	}
	for _, s := range list.Items {
		if err := c.client.CoreV1().Secrets(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("cleaning up %s/%s: %v", s.Namespace, s.Name, err)
		}
	}
}
