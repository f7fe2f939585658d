package leader

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/utils/clock"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Run campaigns for the Lease until ctx ends and calls work while it holds it. work's context
// ends when ctx ends, when client-go's renew loop gives up (RenewDeadline of failed retries),
// or RenewDeadline after the send time of the last renewal that succeeded, whichever comes
// first; then Run waits for work to return and campaigns again, RetryPeriod later. When work
// returns by itself, Run logs its error, if any, steps down and campaigns again. Two calls of
// work never overlap. After each term, while the fence still holds (ctx ended, or work
// returned), Run releases the Lease if it still names cfg.Identity. It logs (logr from ctx)
// "leading", "not leading", a renewal overdue, work's error and a release that failed. Only a
// Timing that Validate refuses, or a configuration client-go refuses, returns an error.
func Run(ctx context.Context, cfg Config, work func(context.Context) error) error {
	if errs := cfg.Timing.Validate(field.NewPath("timing")); len(errs) > 0 {
		return fmt.Errorf("leader election: %w", errlist.From(errs))
	}
	log := logr.FromContextOrDiscard(ctx).WithValues("lease", cfg.Namespace+"/"+cfg.Name, "identity", cfg.Identity)
	for {
		if err := term(ctx, log, cfg, work); err != nil {
			return err
		}
		// A RetryPeriod between two campaigns: work that keeps returning at once must not
		// make a loop of Lease writes.
		t := time.NewTimer(cfg.RetryPeriod)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// term runs one LeaderElector: it campaigns, works while it leads and returns once it no longer
// does and work has returned. It releases the Lease if it may still hold it.
func term(ctx context.Context, log logr.Logger, cfg Config, work func(context.Context) error) error {
	termCtx, endTerm := context.WithCancel(ctx)
	defer endTerm()
	f := &fence{clock: clock.RealClock{}, renewDeadline: cfg.RenewDeadline}
	var (
		mu      sync.Mutex
		over    bool // set once the elector returned: a late OnStartedLeading must not work
		working sync.WaitGroup
	)
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: &fencedLock{Interface: &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
			Client:     cfg.Client,
			LockConfig: resourcelock.ResourceLockConfig{Identity: cfg.Identity},
		}, fence: f},
		LeaseDuration: cfg.LeaseDuration,
		RenewDeadline: cfg.RenewDeadline,
		RetryPeriod:   cfg.RetryPeriod,
		// client-go's release clears the Lease by the holder it last observed, which may be
		// stale: release below checks the one it reads.
		ReleaseOnCancel: false,
		Name:            cfg.Name,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(lctx context.Context) {
				mu.Lock()
				if over {
					mu.Unlock()
					return
				}
				working.Add(1)
				mu.Unlock()
				defer working.Done()
				defer endTerm() // work that returns by itself steps down
				wctx, stop := context.WithCancel(lctx)
				var watching sync.WaitGroup
				defer watching.Wait()
				defer stop()
				watching.Go(func() {
					f.watch(wctx, func() {
						log.Info("renewal overdue: stopped working before the Lease can expire", "renewDeadline", cfg.RenewDeadline.String())
						stop()
						endTerm()
					})
				})
				log.Info("leading")
				if err := work(wctx); err != nil {
					log.Error(err, "controller stopped")
				}
			},
			OnStoppedLeading: func() { log.V(1).Info("not leading") },
		},
	})
	if err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	le.Run(termCtx)
	mu.Lock()
	over = true
	mu.Unlock()
	working.Wait()
	if f.holds() {
		if err := release(ctx, cfg, f); err != nil {
			log.Info("releasing the Lease failed; it expires by itself", "error", err.Error())
		}
	}
	return nil
}
