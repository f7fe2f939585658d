package propagate

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/types"
)

// ErrRefusedSource is wrapped by the error Sync returns for a source it will not copy: a
// service-account token, a Helm release, or a copy made by podsecrets.
var ErrRefusedSource = errors.New("refused as a source")

// ConflictError is the Err of a Conflict result: a Secret with the source's name that is not a
// copy of this source, left untouched.
type ConflictError struct {
	Namespace string
	Name      string
	Source    types.NamespacedName // the source we wanted to copy
	// Owner describes who the Secret belongs to, when it says: "a podsecrets copy of
	// \"ns/name\"", "managed by helm", "owned by Deployment/x". Empty when it carries no marks.
	Owner string
}

// Error names the Secret, the source and, if known, the owner.
func (e *ConflictError) Error() string {
	owner := "it is not a copy made by podsecrets"
	if e.Owner != "" {
		owner = "it is " + e.Owner
	}
	return fmt.Sprintf("secret %q in namespace %q is not a copy of %q: %s; left untouched",
		e.Name, e.Namespace, e.Source.String(), owner)
}
