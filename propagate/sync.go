package propagate

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/validation"
)

// Sync copies the Secret source into every namespace t selects, updates copies that differ
// from it, and prunes the copies it made in namespaces t no longer selects (unless NoPrune).
// It makes exactly three reads (GET source, LIST namespaces, LIST Secrets named like the
// source in all namespaces) plus one GET per retry after a write conflict; see the package
// documentation for what it reports in each case.
//
// The Report holds one Result per namespace; the error joins the Err of every Result, each
// wrapped in a *NamespaceError. A nil Report means the run did not start: invalid arguments,
// empty Targets, a source that is missing or refused (ErrRefusedSource), or a failed LIST.
func Sync(ctx context.Context, c kubernetes.Interface, source types.NamespacedName, t Targets, opts ...Option) (*Report, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	errs := validateSource(source)
	errs = append(errs, t.Validate(field.NewPath("targets"))...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("propagate: invalid arguments: %w", errlist.From(errs))
	}
	log := logr.FromContextOrDiscard(ctx).WithValues("source", source.String())

	src, err := c.CoreV1().Secrets(source.Namespace).Get(ctx, source.Name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("propagate: get source %q: %w", source.String(), err)
	}
	if err := refuseSource(src); err != nil {
		return nil, err
	}
	nsList, err := listNamespaces(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("propagate: list namespaces: %w", err)
	}
	existing, err := listNamed(ctx, c, source.Name)
	if err != nil {
		return nil, fmt.Errorf("propagate: list secrets named %q: %w", source.Name, err)
	}

	r := &runner{client: c, source: source, src: src, hash: contentHash(src.UID, src), opts: o, log: log}
	works := r.plan(t, nsList, existing)
	report := r.run(ctx, works)
	log.V(1).Info("sync finished", "summary", report.Summary())
	return report, report.err()
}

// validateSource checks the source's namespace and name.
func validateSource(source types.NamespacedName) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("source")
	for _, msg := range validation.IsDNS1123Label(source.Namespace) {
		errs = append(errs, field.Invalid(p.Child("namespace"), source.Namespace, msg))
	}
	for _, msg := range validation.IsDNS1123Subdomain(source.Name) {
		errs = append(errs, field.Invalid(p.Child("name"), source.Name, msg))
	}
	return errs
}

// refuseSource returns an error wrapping ErrRefusedSource for Secrets that must not be copied.
func refuseSource(s *corev1.Secret) error {
	var why string
	switch {
	case s.Type == corev1.SecretTypeServiceAccountToken:
		why = "it is a service-account token, bound to its own namespace's service account"
	case s.Type == helmReleaseType || s.Labels[helmOwnerLabel] == helmOwnerValue:
		why = "it is a Helm release record, owned by Helm"
	case s.Labels[LabelManagedBy] == ManagedBy:
		why = "it is itself a copy made by podsecrets"
	default:
		return nil
	}
	return fmt.Errorf("propagate: secret %q in namespace %q: %w: %s", s.Name, s.Namespace, ErrRefusedSource, why)
}

// plan decides, without I/O, what happens in every namespace that belongs in the report.
func (r *runner) plan(t Targets, nsList []corev1.Namespace, existing []*corev1.Secret) []work {
	live := make(map[string]*corev1.Secret, len(existing))
	for _, s := range existing {
		live[s.Namespace] = s
	}
	seen := make(map[string]bool, len(nsList))
	works := make([]work, 0, len(nsList))
	sel := compileTargets(t)
	for i := range nsList {
		ns := &nsList[i]
		if ns.Name == r.source.Namespace {
			continue
		}
		seen[ns.Name] = true
		selected := sel.selects(ns)
		cur := live[ns.Name]
		if !selected && (cur == nil || !owns(r.source, cur)) {
			continue // not ours to touch, not asked for
		}
		w := work{ns: ns.Name, live: cur, selected: selected}
		if ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
			w.skip = fmt.Errorf("namespace %q is terminating", ns.Name)
		}
		works = append(works, w)
	}
	for _, n := range t.Names {
		if n == r.source.Namespace || seen[n] || sel.excluded(n) {
			continue
		}
		seen[n] = true
		works = append(works, work{ns: n, skip: fmt.Errorf("namespace %q does not exist", n)})
	}
	slices.SortFunc(works, func(a, b work) int { return strings.Compare(a.ns, b.ns) })
	return works
}

// compiledTargets is Targets with Names as a set.
type compiledTargets struct {
	Targets
	names map[string]bool
}

func compileTargets(t Targets) compiledTargets {
	names := make(map[string]bool, len(t.Names))
	for _, n := range t.Names {
		names[n] = true
	}
	return compiledTargets{Targets: t, names: names}
}

func (t compiledTargets) selects(ns *corev1.Namespace) bool {
	in := (t.Selector != nil && t.Selector.Matches(labels.Set(ns.Labels))) || t.names[ns.Name]
	if !in && t.Pattern != "" {
		in, _ = path.Match(t.Pattern, ns.Name)
	}
	return in && !t.excluded(ns.Name)
}
