package propagate

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/events"

	"github.com/podsecrets/podsecrets/internal/leader"
	"github.com/podsecrets/podsecrets/internal/validation"
)

// ControllerConfig says which Secrets a Controller copies where, how it elects a leader, and
// what it tells about its work. Leader election, Events and the hook are configured as in
// rollout.Config: the same field names, defaults and validation.
type ControllerConfig struct {
	SourceNamespace string          // where sources live, e.g. "runai"
	SourceSelector  labels.Selector // the opt-in label, e.g. runai/cluster-wide=true; required
	Targets         Targets         // where every source is copied, e.g. Pattern "runai-*"
	LeaseName       string          // "" = no leader election
	LeaseNamespace  string          // namespace of the Lease; required with LeaseName
	Identity        string          // this replica's name in the Lease; required with LeaseName
	// Lease timing; 0 = DefaultLeaseDuration, DefaultRenewDeadline, DefaultRetryPeriod. Want
	// LeaseDuration, in whole seconds as the Lease stores it, ≥ RenewDeadline + 2 s, and
	// RenewDeadline > 1.2 × RetryPeriod.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// Events, when set, records Kubernetes Events (events.k8s.io/v1) on the source Secret for
	// each copy that conflicts (EventReasonConflict), fails (EventReasonFailed) or is pruned
	// (EventReasonPruned), naming the namespace and the reason; never a value. nil = none.
	Events events.EventRecorder
	// OnSync, when set, is called after every Sync or Remove the Controller runs, with what it
	// did (for metrics). It runs on the worker that synced, so it should return quickly.
	OnSync func(ctx context.Context, s SyncOutcome)
}

// Default leader-election timing, as kube-controller-manager uses it (the same as rollout's).
const (
	// DefaultLeaseDuration is how long a Lease holds after its last renewal.
	DefaultLeaseDuration = leader.DefaultLeaseDuration
	// DefaultRenewDeadline is how long the leader keeps trying to renew before it stops.
	DefaultRenewDeadline = leader.DefaultRenewDeadline
	// DefaultRetryPeriod is the wait between attempts to acquire or renew.
	DefaultRetryPeriod = leader.DefaultRetryPeriod
)

// Run:ai's cluster-wide secrets.
const (
	// RunAINamespace is where Run:ai's cluster-wide sources live.
	RunAINamespace = "runai"
	// RunAIOptInLabel is Run:ai's opt-in label; its value is "true".
	RunAIOptInLabel = "runai/cluster-wide"
	// RunAIProjectGlob matches Run:ai's project namespaces, runai-<project>.
	RunAIProjectGlob  = "runai-*"
	runAIOptInLabelOn = "true"
)

// RunAIConfig is Run:ai's behaviour: every Secret in namespace runai labelled
// runai/cluster-wide="true" is copied into every project namespace runai-<project>; removing
// the label or the Secret removes the copies. Set LeaseName, LeaseNamespace and Identity to
// run several replicas, Events to record Events, OnSync for metrics:
//
//	cfg := propagate.RunAIConfig()
//	cfg.LeaseName, cfg.LeaseNamespace, cfg.Identity = "podsecrets", "runai", podName
//	ctrl, err := propagate.NewController(client, cfg)
//	...
//	err = ctrl.Run(ctx)
func RunAIConfig() ControllerConfig {
	return ControllerConfig{
		SourceNamespace: RunAINamespace,
		SourceSelector:  labels.SelectorFromSet(labels.Set{RunAIOptInLabel: runAIOptInLabelOn}),
		Targets:         Targets{Pattern: RunAIProjectGlob},
	}
}

// Validate returns every problem with cfg, with paths below fldPath such as targets.pattern
// and leaseName.
func (cfg ControllerConfig) Validate(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(cfg.SourceNamespace) {
		errs = append(errs, field.Invalid(fldPath.Child("sourceNamespace"), cfg.SourceNamespace, msg))
	}
	if cfg.SourceSelector == nil {
		errs = append(errs, field.Required(fldPath.Child("sourceSelector"), "the opt-in label sources carry (labels.Everything() copies every Secret of the namespace)"))
	}
	errs = append(errs, cfg.Targets.Validate(fldPath.Child("targets"))...)
	return append(errs, cfg.election().Validate(fldPath)...)
}

// election is cfg's leader election.
func (cfg ControllerConfig) election() leader.Election {
	return leader.Election{LeaseName: cfg.LeaseName, LeaseNamespace: cfg.LeaseNamespace, Identity: cfg.Identity,
		Timing: leader.Timing{LeaseDuration: cfg.LeaseDuration, RenewDeadline: cfg.RenewDeadline, RetryPeriod: cfg.RetryPeriod}}
}
