package propagate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Remove deletes every copy of source that podsecrets made, in whatever namespace it is, and
// nothing else: a same-name Secret without our marks for this source is not touched and not
// reported. It does not read the source, so it works after the source was deleted. It makes
// one read (LIST Secrets named like the source in all namespaces) plus one GET per retry.
//
// Each copy is reported Deleted, or Failed with the API error or ctx.Err(); the error joins
// them. A nil Report means the run did not start.
func Remove(ctx context.Context, c kubernetes.Interface, source types.NamespacedName, opts ...Option) (*Report, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	if errs := validateSource(source); len(errs) > 0 {
		return nil, fmt.Errorf("propagate: invalid arguments: %w", errlist.From(errs))
	}
	log := logr.FromContextOrDiscard(ctx).WithValues("source", source.String())
	existing, err := listNamed(ctx, c, source.Name)
	if err != nil {
		return nil, fmt.Errorf("propagate: list secrets named %q: %w", source.Name, err)
	}
	var works []work
	for _, s := range existing {
		if s.Namespace != source.Namespace && owns(source, s) {
			works = append(works, work{ns: s.Namespace, live: s})
		}
	}
	slices.SortFunc(works, func(a, b work) int { return strings.Compare(a.ns, b.ns) })
	r := &runner{client: c, source: source, remove: true, opts: o, log: log}
	report := r.run(ctx, works)
	log.V(1).Info("remove finished", "summary", report.Summary())
	return report, report.err()
}
