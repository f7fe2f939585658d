package pachyderm

import (
	"path"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// SecretMount is one entry of a Pachyderm transform's secrets list.
type SecretMount struct {
	// Name is the Kubernetes Secret's name.
	Name string `json:"name"`
	// Key is the Secret key whose value EnvVar receives; it is used only with EnvVar.
	Key string `json:"key"`
	// MountPath is the directory where every key of the Secret appears as a file.
	MountPath string `json:"mount_path"`
	// EnvVar is the environment variable that receives the value of Key.
	EnvVar string `json:"env_var"`
}

// Refs turns a transform's secrets and image_pull_secrets into refs: for each entry its Env ref
// (env_var) then its Mount ref (mount_path), in entry order, then one PullSecret ref per distinct
// image pull secret in first-seen order. The error lists every problem, each with its path
// (e.g. "transform.secrets[2].env_var").
func Refs(secrets []SecretMount, imagePullSecrets []string) ([]secretspec.Ref, error) {
	refs, errs := buildRefs(secrets, imagePullSecrets, nil, nil)
	if len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	return refs, nil
}

// buildRefs is Refs, skipping the entries and pull secrets that could not be read (badSecret,
// badPull: their errors are reported already). The conflicts between refs are checked only when
// everything was read and valid, so that one broken entry does not cause follow-up errors.
func buildRefs(secrets []SecretMount, imagePullSecrets []string, badSecret, badPull map[int]bool) ([]secretspec.Ref, field.ErrorList) {
	root := field.NewPath("transform")
	var (
		refs    []secretspec.Ref
		origins []refpath.Origin
		errs    field.ErrorList
	)
	envOwner := make(map[string]*field.Path)
	type mountUse struct {
		secret string
		at     *field.Path
	}
	mountOwner := make(map[string]mountUse)

	for i, s := range secrets {
		if badSecret[i] {
			continue
		}
		p := root.Child("secrets").Index(i)
		entryErrs := validateEntry(s, p)
		errs = append(errs, entryErrs...)
		if s.EnvVar != "" {
			if prev, ok := envOwner[s.EnvVar]; ok {
				errs = append(errs, &field.Error{Type: field.ErrorTypeDuplicate, Field: p.Child("env_var").String(),
					BadValue: s.EnvVar, Detail: "already set by " + prev.String()})
			} else {
				envOwner[s.EnvVar] = p
			}
		}
		mountDup := false
		if s.MountPath != "" {
			if prev, ok := mountOwner[s.MountPath]; ok {
				if prev.secret != s.Name {
					errs = append(errs, &field.Error{Type: field.ErrorTypeDuplicate, Field: p.Child("mount_path").String(),
						BadValue: s.MountPath, Detail: "already used by " + prev.at.String() + " for secret " + prev.secret})
				}
				mountDup = true // the same Secret at the same path: one mount is enough
			} else {
				mountOwner[s.MountPath] = mountUse{s.Name, p}
			}
		}
		if len(entryErrs) > 0 {
			continue
		}
		if s.EnvVar != "" {
			refs = append(refs, secretspec.Ref{Secret: s.Name, Key: s.Key, As: secretspec.Env, EnvVar: s.EnvVar})
			origins = append(origins, refpath.Origin{Path: p, Fields: entryFields})
		}
		if s.MountPath != "" && !mountDup {
			refs = append(refs, secretspec.Ref{Secret: s.Name, As: secretspec.Mount, MountPath: s.MountPath})
			origins = append(origins, refpath.Origin{Path: p, Fields: entryFields})
		}
	}

	seen := make(map[string]bool, len(imagePullSecrets))
	for i, name := range imagePullSecrets {
		if badPull[i] {
			continue
		}
		p := root.Child("image_pull_secrets").Index(i)
		if nameErrs := validateSecretName(name, p); len(nameErrs) > 0 {
			errs = append(errs, nameErrs...)
			continue
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		refs = append(refs, secretspec.Ref{Secret: name, As: secretspec.PullSecret})
		origins = append(origins, refpath.Origin{Path: p, Fields: pullFields})
	}

	if len(errs) == 0 && len(badSecret) == 0 && len(badPull) == 0 {
		errs = refpath.Errors(refpath.Validate(refs, origins))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return refs, nil
}

// validateEntry checks one secrets entry on its own.
func validateEntry(s SecretMount, p *field.Path) field.ErrorList {
	errs := validateSecretName(s.Name, p.Child("name"))
	switch {
	case s.EnvVar == "" && s.MountPath == "" && s.Key != "":
		errs = append(errs, field.Required(p.Child("env_var"), "key is only used with env_var: set env_var to receive the key's value"))
	case s.EnvVar == "" && s.MountPath == "":
		errs = append(errs, field.Required(p, "an entry needs env_var (with key), mount_path, or both"))
	case s.EnvVar == "" && s.Key != "":
		errs = append(errs, field.Invalid(p.Child("key"), s.Key,
			"key is only used with env_var; mount_path mounts every key of the secret, so key would be ignored"))
	}
	if s.EnvVar != "" {
		for _, msg := range validation.IsRelaxedEnvVarName(s.EnvVar) {
			errs = append(errs, field.Invalid(p.Child("env_var"), s.EnvVar, msg))
		}
		if s.Key == "" {
			errs = append(errs, field.Required(p.Child("key"), "env_var needs the key whose value it receives"))
		}
	}
	if s.Key != "" {
		for _, msg := range validation.IsConfigMapKey(s.Key) {
			errs = append(errs, field.Invalid(p.Child("key"), s.Key, msg))
		}
	}
	if s.MountPath != "" && !path.IsAbs(s.MountPath) {
		errs = append(errs, field.Invalid(p.Child("mount_path"), s.MountPath, "must be an absolute path"))
	}
	return errs
}

func validateSecretName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "the Secret's name")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

var (
	// entryFields are Pachyderm's names of the Ref fields a secrets entry sets.
	entryFields = map[string]string{"secret": "name", "key": "key", "envVar": "env_var", "mountPath": "mount_path"}
	// pullFields reports a pull secret ref's name at its image_pull_secrets entry.
	pullFields = map[string]string{"secret": ""}
)
