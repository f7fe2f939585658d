package leader

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// release clears the Lease if it still names cfg.Identity, so that another process need not
// wait for it to expire. The write carries the resourceVersion just read: if another process
// took the Lease meanwhile, it fails with a Conflict and changes nothing. It gives up at the
// fence's deadline, when the Lease may no longer be this process's to release.
func release(ctx context.Context, cfg Config, f *fence) error {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), f.deadline())
	defer cancel()
	leases := cfg.Client.Leases(cfg.Namespace)
	lease, err := leases.Get(ctx, cfg.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity != cfg.Identity {
		return nil // another's, or released
	}
	now := metav1.NewMicroTime(f.clock.Now())
	empty, one := "", int32(1)
	lease.Spec.HolderIdentity = &empty
	lease.Spec.LeaseDurationSeconds = &one
	lease.Spec.AcquireTime = &now
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{}) // lease is this call's own copy
	return err
}
