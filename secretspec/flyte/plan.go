package flyte

import (
	"crypto/sha256"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Plan is Flyte's pod webhook: what a pod needs for its secret requests, for every manager of
// cfg. Each request is first looked up with cfg.Global, unless it is a MountFile request: a value
// found becomes the plain variable EnvVarName(s) (and env_var, if set) holding it in clear text,
// and FLYTE_SECRETS_ENV_PREFIX is set. Every other request goes to cfg.SecretManagerType:
//
//   - ManagerK8s: the refs and plain variables of Refs; the group is a Kubernetes Secret.
//   - ManagerVault: Flyte's Vault agent annotations, per request agent-inject-secret-<id> (the
//     group, a Vault path), agent-inject-file-<id> ("<group>/<key>") and, unless group_version
//     is db, agent-inject-template-<id> reading the key from .Data (kv1) or .Data.data (kv2;
//     group_version decides, else cfg.Vault.KVVersion); then agent-inject, secret-volume-path
//     /etc/flyte/secrets, role and agent-pre-populate-only; cfg.Vault.Annotations override them.
//     The pod's own annotations override both: see KeepPodAnnotations. <id> is derived from the
//     file, so planning twice gives the same keys. MountEnvVar is refused.
//   - ManagerAWS, ManagerGCP, ManagerAzure: Flyte's in-memory volume (aws-secret-vol,
//     gcp-secret-vol, azure-secret-vol), one fetcher init container per distinct request
//     (Flyte's image, command, environment and resources from cfg; named
//     <aws|gcp|azure>-pull-secret-<id>, <id> derived from the file it writes) and a read-only
//     mount of the volume at /etc/flyte/secrets in every container (Extras.Mounts,
//     Extras.Containers nil). MountEnvVar is refused.
//
// With a file delivered, FLYTE_SECRETS_DEFAULT_DIR and FLYTE_SECRETS_FILE_PREFIX are set, and a
// request's env_var holds its file's path. The fetchers carry only what they need: Plan puts no
// plain variable into them. Every manager checks what it reads (see the package documentation)
// and every problem of every request is reported at once, with its place ("secrets[1].group")
// and without its value; an invalid cfg is an error at "config". Each ref's Origin is its
// request's place, "secrets[i]" (PodRefs: the request's annotation). Plan never calls cfg.Global
// with a MountFile request, and never puts a value Global returned into an error. No requests
// give nothing.
func Plan(secrets []Secret, cfg Config) ([]secretspec.Ref, secretspec.Extras, error) {
	if errs := cfg.Validate(field.NewPath("config")); len(errs) > 0 {
		return nil, secretspec.Extras{}, failList(errs)
	}
	return plan(secrets, requestPaths(len(secrets)), cfg)
}

// requestPaths are the places of n requests given as a list: secrets[0], secrets[1], ….
func requestPaths(n int) []*field.Path {
	out := make([]*field.Path, n)
	for i := range out {
		out[i] = field.NewPath("secrets").Index(i)
	}
	return out
}

// plan is Plan for a valid cfg, secrets[i] being at places[i]: every ref's Origin, and the path
// of every error about the request, starts there.
func plan(secrets []Secret, places []*field.Path, cfg Config) ([]secretspec.Ref, secretspec.Extras, error) {
	if len(secrets) == 0 {
		return nil, secretspec.Extras{}, nil
	}
	b := newBuilder()
	for i, s := range secrets {
		p := places[i]
		if b.global(p, s, cfg.Global) {
			continue
		}
		switch cfg.SecretManagerType {
		case ManagerK8s:
			b.add(p, s)
		case ManagerVault:
			b.vault(p, s, cfg.Vault)
		default:
			b.fetch(p, s, cfg)
		}
	}
	if err := b.finishRefs(); err != nil {
		return nil, secretspec.Extras{}, err
	}
	x := secretspec.Extras{Env: b.env()}
	if len(b.vaultAnn) > 0 {
		x.Annotations = vaultAnnotations(b.vaultAnn, cfg.Vault)
	}
	if len(b.fetchers) > 0 {
		vol := fetcherVolume(cfg.SecretManagerType)
		x.Volumes = []corev1.Volume{{Name: vol, VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}}
		x.Mounts = []corev1.VolumeMount{{Name: vol, ReadOnly: true, MountPath: SecretsDir}}
		x.InitContainers = b.fetchers
	}
	return b.refs, x, nil
}

// global serves the request at p from lookup, if it can: it reports whether the request is done
// (served, or refused with an error).
func (b *refBuilder) global(p *field.Path, s Secret, lookup func(group, key string) (string, bool)) bool {
	if lookup == nil || s.MountRequirement == MountFile || !s.MountRequirement.known() || s.Group == "" || s.Key == "" {
		return false
	}
	v, ok := lookup(s.Group, s.Key)
	if !ok {
		return false
	}
	before := len(b.errs)
	name := EnvVarName(s)
	if len(validation.IsRelaxedEnvVarName(name)) > 0 {
		b.errs = append(b.errs, field.Invalid(p.Child("key"), field.OmitValueType{},
			"the global secret's variable _FSEC_<GROUP>_<KEY> must be printable ASCII without '='"))
	}
	b.checkEnvVar(p, s)
	if len(b.errs) > before {
		return true
	}
	b.envPrefix = true
	def := "global value " + v // compared, never shown
	if b.claimVar(name, def, p, p.Child("key"), "its variable "+name) {
		b.plains = append(b.plains, corev1.EnvVar{Name: name, Value: v})
	}
	if s.EnvVar != "" && b.claimVar(s.EnvVar, def, p, p.Child("env_var"), "env_var") {
		b.plains = append(b.plains, corev1.EnvVar{Name: s.EnvVar, Value: v})
	}
	return true
}

// checkEnvVar reports an invalid env_var.
func (b *refBuilder) checkEnvVar(p *field.Path, s Secret) {
	if s.EnvVar == "" {
		return
	}
	if msg := validation.RelaxedEnvVarNameProblem(s.EnvVar); msg != "" {
		b.errs = append(b.errs, field.Invalid(p.Child("env_var"), field.OmitValueType{}, msg))
	}
}

// checkFileDelivery reports a mount requirement a manager that delivers files only cannot
// serve.
func (b *refBuilder) checkFileDelivery(p *field.Path, s Secret, who string) {
	switch {
	case s.MountRequirement == MountEnvVar:
		b.errs = append(b.errs, field.Invalid(p.Child("mount_requirement"), field.OmitValueType{},
			who+" delivers secrets as files only (Flyte refuses ENV_VAR too): use FILE or ANY, or serve the request from the global secrets"))
	case !s.MountRequirement.known():
		b.errs = append(b.errs, field.NotSupported(p.Child("mount_requirement"), field.OmitValueType{},
			[]string{MountAny.String(), MountFile.String()}))
	}
}

// pathVar sets the request's env_var, if any, to the file it is delivered at.
func (b *refBuilder) pathVar(p *field.Path, s Secret, file string) {
	if s.EnvVar != "" && b.claimVar(s.EnvVar, "value "+file, p, p.Child("env_var"), "env_var") {
		b.plains = append(b.plains, corev1.EnvVar{Name: s.EnvVar, Value: file})
	}
}

// requestID is a short name for a file a request is delivered at: 16 characters of Flyte's
// base32 alphabet (a DNS label's characters), from a SHA-256 of the path.
func requestID(file string) string {
	sum := sha256.Sum256([]byte(file))
	return encoding().EncodeToString(sum[:10])
}

// delivery is what writes a file in the pod, and the request that asked first.
type delivery struct {
	src string
	at  *field.Path
}

// claimFile records that the request at p has file written from src. It is false if the file is
// already written: without error from the same src (a repeated request), with one at blame from
// another, or where one file would be the other's directory.
func (b *refBuilder) claimFile(file, src string, p, blame *field.Path) bool {
	if prev, ok := b.delivered[file]; ok {
		if prev.src != src {
			b.errs = append(b.errs, &field.Error{Type: field.ErrorTypeDuplicate, Field: blame.String(), BadValue: field.OmitValueType{},
				Detail: "the file " + file + " is already written by " + prev.at.String() + " from another secret"})
		}
		return false
	}
	for _, other := range slices.Sorted(maps.Keys(b.delivered)) {
		prev := b.delivered[other]
		if strings.HasPrefix(other, file+"/") || strings.HasPrefix(file, other+"/") {
			b.errs = append(b.errs, field.Invalid(blame, field.OmitValueType{},
				"the file "+file+" and the file "+other+" of "+prev.at.String()+" cannot both exist (one would be the other's directory)"))
			return false
		}
	}
	b.delivered[file] = delivery{src: src, at: p}
	return true
}
