package rollout

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/leader"
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
// the Lease it stops working and campaigns again, and two working loops never overlap. It stops
// working RenewDeadline after the last renewal that succeeded, before another replica can take
// the Lease, and when ctx ends it releases the Lease only if the Lease still names it. Only a
// failure to start returns an error.
func (c *Controller) Run(ctx context.Context) error {
	election := c.cfg.election()
	if !election.On() {
		return c.exclusive(ctx)
	}
	if err := leader.Run(ctx, election.Config(c.client.CoordinationV1()), c.exclusive); err != nil {
		return fmt.Errorf("rollout: %w", err)
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
