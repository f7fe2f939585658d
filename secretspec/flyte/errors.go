package flyte

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// fail is the error every function of the package returns: "flyte: " once, then the problem,
// or the count and one problem a line ("flyte: 2 problems:"). nil without errors.
func fail(errs ...error) error { return errlist.WithPrefix("flyte", errs...) }

// failList is fail for field errors.
func failList(errs field.ErrorList) error { return fail(errlist.From(errs)) }
