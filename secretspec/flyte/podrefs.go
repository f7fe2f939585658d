package flyte

import (
	"context"
	"errors"
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// PodRefs is the whole of Flyte's pod webhook as a function an admission webhook calls for each
// pod (it is assignable to inject/admission's RefsFunc; this package does not import inject):
// it decodes the pod's flyte.secrets/sN annotations (DecodeAnnotations), plans the requests with
// cfg (Plan), and leaves out of the Extras every annotation the pod sets itself
// (KeepPodAnnotations), so that the pod's own win, as in Flyte.
//
// Every ref's Origin is the annotation of the request that gave it ("flyte.secrets/s2"), and so
// is the place of every error about a request ("flyte.secrets/s2.group: Invalid value: …"), so a
// webhook's denial names what the pod carries, not a position in a list the pod author never
// wrote. A pod without requests gives no refs and empty Extras.
//
// cfg is validated and copied once, when PodRefs is called: if it is invalid, every call returns
// its problems (at "config"); changing cfg's maps afterwards changes nothing. PodRefs does not look
// at the pod's labels (a webhook's configuration selects pods labelled PodLabel), never modifies
// the pod, and ignores ctx.
func PodRefs(cfg Config) func(ctx context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
	cfgErr := failList(cfg.Validate(field.NewPath("config")))
	cfg.Vault.Annotations = maps.Clone(cfg.Vault.Annotations)
	for _, s := range []*SidecarConfig{&cfg.AWS, &cfg.GCP, &cfg.Azure} {
		s.Resources = *s.Resources.DeepCopy()
	}
	return func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		if cfgErr != nil {
			return nil, secretspec.Extras{}, cfgErr
		}
		if pod == nil {
			return nil, secretspec.Extras{}, fail(errors.New("no pod"))
		}
		secrets, names, err := decodeAnnotations(pod.Annotations)
		if err != nil {
			return nil, secretspec.Extras{}, err
		}
		places := make([]*field.Path, len(names))
		for i, name := range names {
			places[i] = field.NewPath(name)
		}
		refs, x, err := plan(secrets, places, cfg)
		if err != nil {
			return nil, secretspec.Extras{}, err
		}
		return refs, KeepPodAnnotations(x, pod.Annotations), nil
	}
}
