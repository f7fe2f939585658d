// Package leader runs work only while this process holds a Lease, and stops it before another
// process can take the Lease.
//
// It wraps client-go's LeaderElector and closes the two gaps that let a deposed leader go on
// writing: the work's context ends RenewDeadline after the last renewal that succeeded was
// sent, whatever a hung request or a retrying renew loop is doing (another process can take
// the Lease only LeaseDuration after it saw a renewal, and Timing.Validate keeps RenewDeadline
// at least Margin shorter), and the Lease is released only if it still names this process,
// with its resourceVersion as a precondition, so a release never clears a Lease another
// process took meanwhile.
//
//	t := leader.Timing{LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}
//	if errs := t.Validate(field.NewPath("timing")); len(errs) > 0 { ... }
//	err := leader.Run(ctx, leader.Config{
//		Client: client.CoordinationV1(), Namespace: "podsecrets", Name: "copier", Identity: pod,
//		Timing: t,
//	}, func(ctx context.Context) error {
//		// work until ctx ends
//		return nil
//	})
package leader
