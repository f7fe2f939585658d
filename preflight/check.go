package preflight

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/secretspec"
)

// Check reports, for refs and the Secrets that secrets reads, what would make a pod that
// consumes the refs fail (errs) and the same problems on optional refs (warnings).
//
// STUB (phase 0): not implemented yet.
func Check(secrets secretspec.SecretGetter, refs []secretspec.Ref, fldPath *field.Path) (errs, warnings field.ErrorList) {
	return field.ErrorList{field.InternalError(fldPath, errors.New("preflight: STUB, not implemented yet"))}, nil
}

// FromClient reads namespace's Secrets through c, each Get bounded by ctx.
//
// STUB (phase 0): not implemented yet.
func FromClient(ctx context.Context, c kubernetes.Interface, namespace string) secretspec.SecretGetter {
	return stubGetter{}
}

type stubGetter struct{}

func (stubGetter) Get(string) (*corev1.Secret, error) { return nil, errors.New("STUB") }
