package errtext

import (
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// Messages returns the messages of err: nil for a nil error, one per member for
// an aggregate error, and otherwise a single message.
func Messages(err error) []string {
	if err == nil {
		return nil
	}
	if agg, ok := err.(utilerrors.Aggregate); ok {
		var out []string
		for _, e := range agg.Errors() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}
