package rollout

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Controller rolls opted-in workloads when a Secret their pod template consumes changes: it
// sets the template's inject.AnnotationSecretsHash to inject.SecretsHash of what the template
// uses (inject.Uses), with a merge patch of that one annotation, which makes the Deployment,
// StatefulSet or DaemonSet replace its pods. See the package documentation.
type Controller struct {
	client kubernetes.Interface
	cfg    Config
	workMu sync.Mutex // held by the one working loop
}

// NewController checks cfg and returns a Controller that Run starts.
func NewController(c kubernetes.Interface, cfg Config) (*Controller, error) {
	if c == nil {
		return nil, errors.New("rollout: NewController: nil client")
	}
	if errs := cfg.Validate(field.NewPath("config")); len(errs) > 0 {
		return nil, fmt.Errorf("rollout: NewController: %w", errlist.From(errs))
	}
	return &Controller{client: c, cfg: cfg.withDefaults()}, nil
}

// Run works until ctx ends, then stops its informers and workers and returns nil. With a
// LeaseName it first campaigns for the Lease and works only while it holds it; if it loses
// the Lease it stops working and campaigns again, and two working loops never overlap. Only a
// failure to start returns an error.
func (c *Controller) Run(ctx context.Context) error {
	if c.cfg.LeaseName == "" {
		return c.exclusive(ctx)
	}
	log := logr.FromContextOrDiscard(ctx).WithValues("lease", c.cfg.LeaseNamespace+"/"+c.cfg.LeaseName, "identity", c.cfg.Identity)
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: c.cfg.LeaseName, Namespace: c.cfg.LeaseNamespace},
		Client:     c.client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: c.cfg.Identity},
	}
	//lint:ignore SA2001 taking the lock waits for the last working loop to stop
	defer func() { c.workMu.Lock(); c.workMu.Unlock() }()
	for ctx.Err() == nil {
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   c.cfg.LeaseDuration,
			RenewDeadline:   c.cfg.RenewDeadline,
			RetryPeriod:     c.cfg.RetryPeriod,
			ReleaseOnCancel: true,
			Name:            c.cfg.LeaseName,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(lctx context.Context) {
					log.Info("leading")
					if err := c.exclusive(lctx); err != nil {
						log.Error(err, "controller stopped")
					}
				},
				OnStoppedLeading: func() { log.V(1).Info("not leading") },
			},
		})
		if err != nil {
			return fmt.Errorf("rollout: leader election: %w", err)
		}
		le.Run(ctx)
	}
	return nil
}

// exclusive runs work once no other working loop runs; a loop whose lease was lost meanwhile
// does nothing.
func (c *Controller) exclusive(ctx context.Context) error {
	c.workMu.Lock()
	defer c.workMu.Unlock()
	if ctx.Err() != nil {
		return nil
	}
	return c.work(ctx)
}
