package propagate

import (
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// ControllerConfig says which Secrets a Controller copies where, and how it elects a leader.
type ControllerConfig struct {
	SourceNamespace string          // where sources live, e.g. "runai"
	SourceSelector  labels.Selector // the opt-in label, e.g. runai/cluster-wide=true; required
	Targets         Targets         // where every source is copied, e.g. Pattern "runai-*"
	LeaseName       string          // "" = no leader election
	LeaseNamespace  string          // namespace of the Lease; required with LeaseName
	Identity        string          // this replica's name in the Lease; required with LeaseName
}

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
// run several replicas:
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

// Validate returns every problem with cfg, with paths such as targets.pattern.
func (cfg ControllerConfig) Validate(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(cfg.SourceNamespace) {
		errs = append(errs, field.Invalid(fldPath.Child("sourceNamespace"), cfg.SourceNamespace, msg))
	}
	if cfg.SourceSelector == nil {
		errs = append(errs, field.Required(fldPath.Child("sourceSelector"), "the opt-in label sources carry (labels.Everything() copies every Secret of the namespace)"))
	}
	errs = append(errs, cfg.Targets.Validate(fldPath.Child("targets"))...)
	if cfg.LeaseName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(cfg.LeaseName) {
			errs = append(errs, field.Invalid(fldPath.Child("leaseName"), cfg.LeaseName, msg))
		}
		for _, msg := range validation.IsDNS1123Label(cfg.LeaseNamespace) {
			errs = append(errs, field.Invalid(fldPath.Child("leaseNamespace"), cfg.LeaseNamespace, msg))
		}
		if cfg.Identity == "" {
			errs = append(errs, field.Required(fldPath.Child("identity"), "a name unique to this replica, e.g. the pod name"))
		}
	}
	return errs
}
