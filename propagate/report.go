package propagate

import (
	"fmt"
	"strings"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Report is the outcome of one Sync or Remove: one Result per selected namespace and per
// namespace holding a copy of the source, sorted by namespace. The source's namespace is never
// in it.
type Report struct {
	Results []Result
}

// Result is the outcome in one namespace. Err is nil for Created, Updated, Unchanged, Deleted
// and Pruned, and says why for the other actions. It never holds a secret value.
type Result struct {
	Namespace string
	Action    Action
	Err       error
}

// Count returns how many namespaces had action a.
func (r *Report) Count(a Action) int {
	if r == nil {
		return 0
	}
	n := 0
	for _, res := range r.Results {
		if res.Action == a {
			n++
		}
	}
	return n
}

// Summary is a one-line account for humans, such as "3 created, 1 unchanged, 1 conflict";
// actions that did not happen are left out, and an empty report reads "no namespaces".
func (r *Report) Summary() string {
	var b strings.Builder
	for _, a := range actionOrder() {
		n := r.Count(a)
		if n == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", n, a)
	}
	if b.Len() == 0 {
		return "no namespaces"
	}
	return b.String()
}

// err joins the per-namespace errors, each prefixed with its namespace.
func (r *Report) err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil {
			errs = append(errs, &NamespaceError{Namespace: res.Namespace, Action: res.Action, Err: res.Err})
		}
	}
	return errlist.New(errs...)
}

// NamespaceError is one namespace's part of the error Sync and Remove return.
type NamespaceError struct {
	Namespace string
	Action    Action
	Err       error
}

// Error names the namespace and the action.
func (e *NamespaceError) Error() string {
	return fmt.Sprintf("namespace %q: %s: %v", e.Namespace, e.Action, e.Err)
}

// Unwrap returns the namespace's error.
func (e *NamespaceError) Unwrap() error { return e.Err }
