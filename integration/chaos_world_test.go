package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podsecrets/podsecrets/propagate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// The world the chaos suite churns: sources in chaosSourceNS opted in with chaosOptIn;
// namespaces chaos-p-* selected by pattern, chaos-l-* selected while labelled chaosTarget=true,
// chaos-x-* never selected. Every namespace holds an unowned Secret chaosUnrelated, and some
// selected ones an unowned Secret with a source's name (a squatter the controller must leave).
const (
	chaosSourceNS  = "chaos-src"
	chaosOptIn     = "podsecrets-chaos/share"
	chaosTarget    = "podsecrets-chaos/target"
	chaosUnrelated = "unrelated"
	// chaosControllerAgent is the user agent, hence the field manager, of every controller
	// replica's client; an unowned Secret or a source whose managedFields name it was written
	// by a controller.
	chaosControllerAgent = "podsecrets-chaos-controller"
)

// chaosTargets is what the controllers copy into.
func chaosTargets() propagate.Targets {
	return propagate.Targets{
		Selector: labels.SelectorFromSet(labels.Set{chaosTarget: "true"}),
		Pattern:  "chaos-p-*",
	}
}

// unownedData is the fixed content of every unowned Secret the world makes; it is no secret.
func unownedData(ns, name string) map[string][]byte {
	return map[string][]byte{"owner": []byte("world:" + ns + "/" + name)}
}

// world is the cluster state the chaos suite changes through its own, never faulted, client,
// and the check that the controllers' copies match it.
type world struct {
	c kubernetes.Interface

	rngMu sync.Mutex // the churn and a fault's injection draw from rng at the same time
	rng   *rand.Rand

	mu      sync.Mutex
	nextNS  int
	sources []string        // source names, fixed
	unowned map[string]bool // "ns/name" of every unowned Secret that must stay as created
	ops     map[string]int  // churn operations done, by kind
	failed  map[string]int  // churn operations that failed (API down, conflicts), by kind
}

// newWorld creates the sources, namespaces and unowned Secrets.
func newWorld(t *testing.T, c kubernetes.Interface, seed uint64) *world {
	t.Helper()
	w := &world{
		c:       c,
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		unowned: map[string]bool{},
		ops:     map[string]int{},
		failed:  map[string]int{},
	}
	ctx := context.Background()
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: chaosSourceNS}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the source namespace: %v", err)
	}
	for i := range 5 {
		name := fmt.Sprintf("src-%d", i)
		w.sources = append(w.sources, name)
		s := w.sourceSecret(name, corev1.SecretTypeOpaque, i != 4) // one starts opted out
		if _, err := c.CoreV1().Secrets(chaosSourceNS).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating source %s: %v", name, err)
		}
	}
	for i := range 12 {
		kind := []string{"p", "l", "l", "x"}[i%4]
		ns, err := w.createNamespace(ctx, kind, i%3 != 0)
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 { // squatters, in chaos-p-* namespaces
			if err := w.createUnowned(ctx, ns, w.sources[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w
}

// sourceSecret is a source named name of type typ. Its data suits kubernetes.io/basic-auth too.
func (w *world) sourceSecret(name string, typ corev1.SecretType, optedIn bool) *corev1.Secret {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: chaosSourceNS, Labels: map[string]string{}},
		Type:       typ,
		Data:       map[string][]byte{"username": []byte("user"), "password": []byte(w.value())},
	}
	if optedIn {
		s.Labels[chaosOptIn] = "true"
	}
	return s
}

// value is a fresh random data value.
func (w *world) value() string {
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return fmt.Sprintf("v%016x", w.rng.Uint64())
}

// intN is a random number in [0, n).
func (w *world) intN(n int) int {
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.IntN(n)
}

// createNamespace creates namespace chaos-<kind>-N (labelled chaosTarget=selected) holding an
// unowned Secret.
func (w *world) createNamespace(ctx context.Context, kind string, selected bool) (string, error) {
	w.mu.Lock()
	name := fmt.Sprintf("chaos-%s-%d", kind, w.nextNS)
	w.nextNS++
	w.mu.Unlock()
	_, err := w.c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: name, Labels: map[string]string{chaosTarget: fmt.Sprint(selected)},
	}}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("creating namespace %s: %w", name, err)
	}
	return name, w.createUnowned(ctx, name, chaosUnrelated)
}

// createUnowned creates a Secret that no controller may touch.
func (w *world) createUnowned(ctx context.Context, ns, name string) error {
	_, err := w.c.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Data:       unownedData(ns, name),
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating unowned Secret %s/%s: %w", ns, name, err)
	}
	w.mu.Lock()
	w.unowned[ns+"/"+name] = true
	w.mu.Unlock()
	return nil
}

// churnOp changes one thing in the world.
type churnOp struct {
	name string
	do   func(w *world, ctx context.Context) error
}

// churnOps is every kind of change the churn makes.
func (w *world) churnOps() []churnOp {
	return []churnOp{
		{"update source data", (*world).updateSource},
		{"update source data", (*world).updateSource},
		{"opt a source out or in", (*world).toggleOptIn},
		{"delete and re-create a source", func(w *world, ctx context.Context) error { return w.recreateSource(ctx, w.randomSource(), false) }},
		{"create a namespace", (*world).addNamespace},
		{"delete a namespace", (*world).removeNamespace},
		{"relabel a namespace", (*world).relabelNamespace},
		{"edit a copy", (*world).editCopy},
		{"delete a copy", (*world).deleteCopy},
		{"re-create a source with another type", func(w *world, ctx context.Context) error { return w.recreateSource(ctx, w.randomSource(), true) }},
	}
}

// churn makes one change every interval until stop is closed or limit changes were made,
// whichever comes first.
func (w *world) churn(stop <-chan struct{}, interval time.Duration, limit int) {
	ops := w.churnOps()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for range limit {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		op := ops[w.intN(len(ops))]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := op.do(w, ctx)
		cancel()
		w.mu.Lock()
		w.ops[op.name]++
		if err != nil {
			w.failed[op.name]++
		}
		w.mu.Unlock()
	}
}

// counts returns how many changes of each kind were made and how many failed, and resets them.
func (w *world) counts() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []string
	for name, n := range w.ops {
		parts = append(parts, fmt.Sprintf("%s %d (%d failed)", name, n, w.failed[name]))
	}
	slices.Sort(parts)
	w.ops, w.failed = map[string]int{}, map[string]int{}
	return strings.Join(parts, ", ")
}

func (w *world) randomSource() string { return w.sources[w.intN(len(w.sources))] }

func (w *world) updateSource(ctx context.Context) error {
	secrets := w.c.CoreV1().Secrets(chaosSourceNS)
	s, err := secrets.Get(ctx, w.randomSource(), metav1.GetOptions{})
	if err != nil {
		return err
	}
	s.Data["password"] = []byte(w.value())
	_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	return err
}

func (w *world) toggleOptIn(ctx context.Context) error {
	secrets := w.c.CoreV1().Secrets(chaosSourceNS)
	s, err := secrets.Get(ctx, w.randomSource(), metav1.GetOptions{})
	if err != nil {
		return err
	}
	if s.Labels[chaosOptIn] == "true" {
		delete(s.Labels, chaosOptIn)
	} else {
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		s.Labels[chaosOptIn] = "true"
	}
	_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	return err
}

// recreateSource deletes a source and creates it again, opted in, with the same type or with
// the other of Opaque and kubernetes.io/basic-auth.
func (w *world) recreateSource(ctx context.Context, name string, retype bool) error {
	secrets := w.c.CoreV1().Secrets(chaosSourceNS)
	typ := corev1.SecretTypeOpaque
	if old, err := secrets.Get(ctx, name, metav1.GetOptions{}); err == nil {
		typ = old.Type
		if err := secrets.Delete(ctx, name, metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions(string(old.UID))}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	} else if !apierrors.IsNotFound(err) {
		return err
	}
	if retype {
		if typ == corev1.SecretTypeOpaque {
			typ = corev1.SecretTypeBasicAuth
		} else {
			typ = corev1.SecretTypeOpaque
		}
	}
	_, err := secrets.Create(ctx, w.sourceSecret(name, typ, true), metav1.CreateOptions{})
	return err
}

func (w *world) addNamespace(ctx context.Context) error {
	_, err := w.createNamespace(ctx, []string{"p", "l"}[w.intN(2)], w.intN(2) == 0)
	return err
}

// chaosNamespaces lists the target namespaces (chaos-p-*, chaos-l-*, chaos-x-*) that are not
// terminating.
func (w *world) chaosNamespaces(ctx context.Context) ([]corev1.Namespace, error) {
	list, err := w.c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []corev1.Namespace
	for _, ns := range list.Items {
		if strings.HasPrefix(ns.Name, "chaos-") && ns.Name != chaosSourceNS && ns.DeletionTimestamp == nil {
			out = append(out, ns)
		}
	}
	return out, nil
}

// removeNamespace deletes a namespace and does what the namespace controller (which does not
// run here) would: deletes its Secrets, finalizes it and deletes it again, so it is gone.
func (w *world) removeNamespace(ctx context.Context) error {
	all, err := w.chaosNamespaces(ctx)
	if err != nil || len(all) <= 6 { // keep the world from emptying
		return err
	}
	ns := all[w.intN(len(all))].Name
	w.mu.Lock()
	for key := range w.unowned {
		if strings.HasPrefix(key, ns+"/") {
			delete(w.unowned, key)
		}
	}
	w.mu.Unlock()
	return w.reap(ctx, ns)
}

// reap deletes namespace ns and everything in it, retrying while the API is unavailable.
func (w *world) reap(ctx context.Context, ns string) error {
	namespaces := w.c.CoreV1().Namespaces()
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 25*time.Second, true, func(ctx context.Context) (bool, error) {
		err := namespaces.Delete(ctx, ns, metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		if err != nil && !apierrors.IsConflict(err) { // Conflict: finalizers still pending
			return false, nil
		}
		if err := w.c.CoreV1().Secrets(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			return false, nil
		}
		obj, err := namespaces.Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		if err != nil {
			return false, nil
		}
		if len(obj.Spec.Finalizers) > 0 {
			obj.Spec.Finalizers = nil
			if _, err := namespaces.Finalize(ctx, obj, metav1.UpdateOptions{}); err != nil {
				return false, nil
			}
		}
		return false, nil // the next Delete removes it
	})
}

func (w *world) relabelNamespace(ctx context.Context) error {
	all, err := w.chaosNamespaces(ctx)
	if err != nil {
		return err
	}
	var ls []corev1.Namespace
	for _, ns := range all {
		if strings.HasPrefix(ns.Name, "chaos-l-") {
			ls = append(ls, ns)
		}
	}
	if len(ls) == 0 {
		return nil
	}
	ns := ls[w.intN(len(ls))]
	ns.Labels[chaosTarget] = fmt.Sprint(ns.Labels[chaosTarget] != "true")
	_, err = w.c.CoreV1().Namespaces().Update(ctx, &ns, metav1.UpdateOptions{})
	return err
}

// randomCopy returns one of the controllers' copies, or nil if there is none.
func (w *world) randomCopy(ctx context.Context) (*corev1.Secret, error) {
	list, err := w.c.CoreV1().Secrets("").List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{propagate.LabelManagedBy: propagate.ManagedBy}).String(),
	})
	if err != nil || len(list.Items) == 0 {
		return nil, err
	}
	return &list.Items[w.intN(len(list.Items))], nil
}

func (w *world) editCopy(ctx context.Context) error {
	s, err := w.randomCopy(ctx)
	if err != nil || s == nil {
		return err
	}
	s.Data["password"] = []byte("edited by hand")
	_, err = w.c.CoreV1().Secrets(s.Namespace).Update(ctx, s, metav1.UpdateOptions{})
	return err
}

func (w *world) deleteCopy(ctx context.Context) error {
	s, err := w.randomCopy(ctx)
	if err != nil || s == nil {
		return err
	}
	return w.c.CoreV1().Secrets(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{})
}

// diff compares the copies on the server with what the sources and namespaces call for, and
// checks that no unowned Secret or source was written by a controller. It returns "" when all
// is as it should be, else what is wrong, by namespace and name (never a value).
func (w *world) diff(ctx context.Context) (string, error) {
	nsList, err := w.c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	secretList, err := w.c.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	active := map[string]*corev1.Namespace{}
	for i := range nsList.Items {
		if ns := &nsList.Items[i]; ns.DeletionTimestamp == nil {
			active[ns.Name] = ns
		}
	}
	live := map[string]*corev1.Secret{} // "ns/name"
	sources := map[string]*corev1.Secret{}
	for i := range secretList.Items {
		s := &secretList.Items[i]
		live[s.Namespace+"/"+s.Name] = s
		if s.Namespace == chaosSourceNS {
			sources[s.Name] = s
		}
	}

	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	writtenByController := func(s *corev1.Secret) bool {
		for _, m := range s.ManagedFields {
			if strings.HasPrefix(m.Manager, chaosControllerAgent) {
				return true
			}
		}
		return false
	}
	owned := func(s *corev1.Secret) bool {
		return s.Labels[propagate.LabelManagedBy] == propagate.ManagedBy && s.Labels[propagate.LabelSourceNamespace] == chaosSourceNS &&
			s.Annotations[propagate.AnnotationSourceName] == s.Name
	}

	for _, s := range sources {
		if writtenByController(s) {
			report("source %s was written by a controller", s.Name)
		}
	}
	w.mu.Lock()
	for key := range w.unowned {
		s, ok := live[key]
		switch {
		case !ok:
			report("unowned Secret %s is gone", key)
		case writtenByController(s) || owned(s) || !secretDataEqual(s.Data, unownedData(s.Namespace, s.Name)):
			report("unowned Secret %s was modified", key)
		}
	}
	w.mu.Unlock()

	sel := chaosTargets()
	expected := map[string]bool{}
	for _, src := range sources {
		if src.Labels[chaosOptIn] != "true" {
			continue
		}
		for name, ns := range active {
			if name == chaosSourceNS || !selects(sel, ns) {
				continue
			}
			key := name + "/" + src.Name
			cp, ok := live[key]
			switch {
			case !ok:
				report("no copy of %s in %s", src.Name, name)
			case !owned(cp):
				// An unowned same-name Secret: left alone (checked above), no copy.
			case cp.Type != src.Type:
				expected[key] = true
				report("copy %s has type %s, source %s", key, cp.Type, src.Type)
			case cp.Annotations[propagate.AnnotationSourceUID] != string(src.UID):
				expected[key] = true
				report("copy %s is of an older source (UID)", key)
			case !secretDataEqual(cp.Data, src.Data) || !equalBoolPtr(cp.Immutable, src.Immutable):
				expected[key] = true
				report("copy %s differs from its source (keys %v)", key, keys(cp.Data))
			default:
				expected[key] = true
			}
		}
	}
	for key, s := range live {
		if s.Namespace == chaosSourceNS || s.Labels[propagate.LabelManagedBy] != propagate.ManagedBy || expected[key] || active[s.Namespace] == nil {
			continue
		}
		report("copy %s should not exist (source deleted, opted out or namespace not selected)", key)
	}
	slices.Sort(problems)
	if len(problems) > 12 {
		problems = append(problems[:12], fmt.Sprintf("and %d more", len(problems)-12))
	}
	return strings.Join(problems, "; "), nil
}

// selects reports whether t selects namespace ns (Selector or Pattern; the world uses no Names
// or Exclude).
func selects(t propagate.Targets, ns *corev1.Namespace) bool {
	if t.Selector != nil && t.Selector.Matches(labels.Set(ns.Labels)) {
		return true
	}
	return strings.HasPrefix(ns.Name, strings.TrimSuffix(t.Pattern, "*"))
}

func equalBoolPtr(a, b *bool) bool {
	return (a != nil && *a) == (b != nil && *b)
}

// converge waits until diff reports nothing, for at most limit, and returns how long it took.
func (w *world) converge(limit time.Duration) (time.Duration, string, error) {
	began := time.Now()
	var last string
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, limit, true, func(ctx context.Context) (bool, error) {
		d, err := w.diff(ctx)
		if err != nil {
			last = "listing: " + err.Error()
			return false, nil // the API server may still be coming back
		}
		last = d
		return d == "", nil
	})
	return time.Since(began), last, err
}
