package errlist

import (
	"errors"

	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// WithPrefix is New with the name of the package that returns the error before its message,
// once: "runai: 2nd -e flag …" for one problem, "runai: 3 problems:" followed by one problem a
// line for several. The members keep their own messages (without the prefix): the result is an
// apimachinery utilerrors.Aggregate of them, and errors.Is and errors.As reach each. A member
// that is itself an error WithPrefix made with the same prefix gives its members, so that
// the prefix is never said twice. It returns nil when errs holds no error.
func WithPrefix(prefix string, errs ...error) error {
	flat := make([]error, 0, len(errs))
	for _, err := range errs {
		var p *prefixed
		if errors.As(err, &p) && p.prefix == prefix && err == error(p) {
			flat = append(flat, p.list)
			continue
		}
		flat = append(flat, err)
	}
	l, _ := New(flat...).(List)
	if l == nil {
		return nil
	}
	return &prefixed{prefix: prefix, list: l}
}

// prefixed is a List whose message starts with a package's name.
type prefixed struct {
	prefix string
	list   List
}

var _ utilerrors.Aggregate = (*prefixed)(nil)

// Error is the prefix, ": " and the List's message.
func (p *prefixed) Error() string { return p.prefix + ": " + p.list.Error() }

// Errors returns the problems, without the prefix.
func (p *prefixed) Errors() []error { return p.list }

// Unwrap returns the problems, for errors.Is and errors.As.
func (p *prefixed) Unwrap() []error { return p.list }

// Is reports whether any problem is target.
func (p *prefixed) Is(target error) bool { return p.list.Is(target) }
