package errlist

import (
	"errors"
	"strconv"
	"strings"

	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// List is several problems reported together, in the order found. Make one with New or From;
// a List is never empty.
type List []error

// The List is what callers of field.ErrorList.ToAggregate received before: keep it one.
var _ utilerrors.Aggregate = List(nil)

// New returns the non-nil errors of errs as a List, or nil if there are none. A member that is
// itself a List is flattened into the result, so its problems are counted one by one, and a
// message that repeats an earlier one is dropped (as field.ErrorList.ToAggregate does).
func New(errs ...error) error {
	var out List
	seen := make(map[string]bool, len(errs))
	var add func(errs []error)
	add = func(errs []error) {
		for _, err := range errs {
			if err == nil {
				continue
			}
			var inner List
			if l, ok := err.(List); ok {
				inner = l
			}
			if inner != nil {
				add(inner)
				continue
			}
			msg := err.Error()
			if seen[msg] {
				continue
			}
			seen[msg] = true
			out = append(out, err)
		}
	}
	add(errs)
	if len(out) == 0 {
		return nil
	}
	return out
}

// From returns the errors of list as a List, or nil if there are none: the replacement of
// list.ToAggregate() that prints in this package's format.
func From(list field.ErrorList) error {
	if len(list) == 0 {
		return nil
	}
	errs := make([]error, 0, len(list))
	for _, e := range list {
		if e != nil {
			errs = append(errs, e)
		}
	}
	return New(errs...)
}

// Error returns the only problem's message, or "N problems:" followed by one line per problem,
// each a tab and "- "; the lines of a problem whose message has several are indented under it.
func (l List) Error() string {
	if len(l) == 1 {
		return l[0].Error()
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(l)))
	b.WriteString(" problems:")
	for _, err := range l {
		b.WriteString("\n\t- ")
		b.WriteString(strings.ReplaceAll(err.Error(), "\n", "\n\t  "))
	}
	return b.String()
}

// Errors returns the problems, as utilerrors.Aggregate does. The caller must not modify the
// slice.
func (l List) Errors() []error { return l }

// Unwrap returns the problems, for errors.Is and errors.As.
func (l List) Unwrap() []error { return l }

// Is reports whether any problem is, or wraps, target (utilerrors.Aggregate's Is).
func (l List) Is(target error) bool {
	for _, err := range l {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
