package flyte

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Names and places Flyte's Kubernetes secret injector uses, byte for byte.
const (
	// EnvVarPrefix starts the variable of a MountEnvVar request: _FSEC_<GROUP>_<KEY>, upper-cased.
	EnvVarPrefix = "_FSEC_"
	// SecretsDir is the directory under which each group's keys appear as files:
	// <SecretsDir>/<group>/<key>, both lower-cased.
	SecretsDir = "/etc/flyte/secrets"
	// EnvVarPrefixVar tells the task the prefix of secret variables (EnvVarPrefix).
	EnvVarPrefixVar = "FLYTE_SECRETS_ENV_PREFIX"
	// DefaultDirVar tells the task where secret files are (SecretsDir).
	DefaultDirVar = "FLYTE_SECRETS_DEFAULT_DIR"
	// FilePrefixVar tells the task the prefix of secret file names (empty: the key as is).
	FilePrefixVar = "FLYTE_SECRETS_FILE_PREFIX"
)

// Env returns the plain variables Flyte sets beside the secrets so that flytekit finds them:
// FLYTE_SECRETS_ENV_PREFIX=_FSEC_, FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets and
// FLYTE_SECRETS_FILE_PREFIX= (empty).
func Env() []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: EnvVarPrefixVar, Value: EnvVarPrefix},
		{Name: DefaultDirVar, Value: SecretsDir},
		{Name: FilePrefixVar, Value: ""},
	}
}

// EnvVarName is the variable of a MountEnvVar request: "_FSEC_<GROUP>_<KEY>", upper-cased.
func EnvVarName(s Secret) string { return strings.ToUpper(EnvVarPrefix + s.Group + "_" + s.Key) }

// MountPath is the directory that holds every key of s's group: "/etc/flyte/secrets/<group>",
// the group lower-cased.
func MountPath(s Secret) string { return SecretsDir + "/" + strings.ToLower(s.Group) }

// FilePath is the file of a MountFile request: "/etc/flyte/secrets/<group>/<key>", lower-cased.
func FilePath(s Secret) string { return MountPath(s) + "/" + strings.ToLower(s.Key) }

// Refs turns secret requests into refs as Flyte's Kubernetes secret injector does:
//
//   - MountEnvVar: an Env ref, variable EnvVarName (optional secretKeyRef); with EnvVar set, a
//     second Env ref of that name with the same secretKeyRef;
//   - MountFile and MountAny: a Mount ref at MountPath with the one item {key, lower(key)},
//     optional (Kubernetes mounts Secret volumes read-only). Requests for one group share the
//     mount path, so inject merges them into one volume; with EnvVar set, a plain variable of
//     that name holding FilePath.
//
// The plain variables, in Extras.Env (for inject.WithExtras), are exactly the ones Flyte sets:
// FLYTE_SECRETS_ENV_PREFIX when some request is MountEnvVar, FLYTE_SECRETS_DEFAULT_DIR and
// FLYTE_SECRETS_FILE_PREFIX when some request is MountFile or MountAny (in Env's order),
// followed by the path variables in request order. Each ref's Origin is its request's place, "secrets[i]"; identical requests give one ref,
// with the first one's Origin. Where Flyte would emit an invalid pod, Refs returns an
// error listing every problem with its request ("secrets[2].group"): a missing group or key, a
// group that is not a valid Secret name (an AWS ARN or Vault path belongs to another secret
// manager), an invalid key or variable name, two keys of a group that become one file after
// lower-casing, one variable set two ways, an unknown mount requirement. No requests give no refs
// and no variables. Refs is Plan with ManagerK8s and no global secrets.
func Refs(secrets []Secret) ([]secretspec.Ref, secretspec.Extras, error) {
	if len(secrets) == 0 {
		return nil, secretspec.Extras{}, nil
	}
	b := newBuilder()
	for i, s := range secrets {
		b.add(field.NewPath("secrets").Index(i), s)
	}
	if err := b.finishRefs(); err != nil {
		return nil, secretspec.Extras{}, err
	}
	return b.refs, secretspec.Extras{Env: b.env()}, nil
}

// newBuilder returns an empty builder in which Flyte's own variables are taken.
func newBuilder() *refBuilder {
	b := &refBuilder{
		files:     map[string]fileUse{},
		vars:      map[string]varUse{},
		delivered: map[string]delivery{},
	}
	for _, v := range Env() {
		b.vars[v.Name] = varUse{def: "value " + v.Value, by: "Flyte's own " + v.Name}
	}
	return b
}

// finishRefs validates the refs together (the per-request checks have run) and returns every
// problem found, or nil.
func (b *refBuilder) finishRefs() error {
	if len(b.errs) == 0 {
		b.errs = refpath.Errors(refpath.ValidateRefs(b.refs, b.fields))
	}
	if len(b.errs) > 0 {
		return failList(b.errs)
	}
	return nil
}

// env is Flyte's own variables the requests call for, then the requests' plain variables.
func (b *refBuilder) env() []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, v := range Env() {
		if v.Name == EnvVarPrefixVar && b.envPrefix || v.Name != EnvVarPrefixVar && b.fileVars {
			out = append(out, v)
		}
	}
	return append(out, b.plains...)
}

type fileUse struct {
	key string
	at  *field.Path
}

type varUse struct {
	def string // what the variable holds, to tell a repeat from a clash
	by  string // who set it first
}

type refBuilder struct {
	refs   []secretspec.Ref
	fields []refpath.Fields   // fields[i]: Flyte's names of the Ref fields refs[i] sets
	plains []corev1.EnvVar    // the requests' plain variables, in request order
	files  map[string]fileUse // file path -> the key written there
	vars   map[string]varUse  // variable name -> its definition
	errs   field.ErrorList

	envPrefix bool // some request is delivered as a variable: FLYTE_SECRETS_ENV_PREFIX
	fileVars  bool // some request is delivered as a file: FLYTE_SECRETS_DEFAULT_DIR, _FILE_PREFIX

	// The managers outside Kubernetes (Plan).
	delivered map[string]delivery // file in the pod -> what writes it (Vault, fetchers)
	vaultAnn  map[string]string   // the requests' Vault annotations
	fetchers  []corev1.Container  // the fetcher init containers, in request order
}

// add plans the request at p for ManagerK8s: the refs of Flyte's Kubernetes injector, each with
// Origin p.
func (b *refBuilder) add(p *field.Path, s Secret) {
	before := len(b.errs)
	switch {
	case s.Group == "":
		b.errs = append(b.errs, field.Required(p.Child("group"), "the Kubernetes Secret's name"))
	default:
		if msg := validation.DNS1123SubdomainProblem(s.Group); msg != "" {
			b.errs = append(b.errs, field.Invalid(p.Child("group"), s.Group,
				msg+" (the group is the Kubernetes Secret's name; an ARN or a path belongs to another secret manager)"))
		}
	}
	if s.Key == "" {
		b.errs = append(b.errs, field.Required(p.Child("key"), "Flyte's Kubernetes injector needs a key within the Secret"))
	} else {
		if msg := validation.ConfigMapKeyProblem(s.Key); msg != "" {
			b.errs = append(b.errs, field.Invalid(p.Child("key"), s.Key, msg))
		}
	}
	if s.EnvVar != "" {
		if msg := validation.RelaxedEnvVarNameProblem(s.EnvVar); msg != "" {
			b.errs = append(b.errs, field.Invalid(p.Child("env_var"), s.EnvVar, msg))
		}
	}
	if !s.MountRequirement.known() {
		b.errs = append(b.errs, field.NotSupported(p.Child("mount_requirement"), s.MountRequirement.String(),
			[]string{MountAny.String(), MountEnvVar.String(), MountFile.String()}))
	}
	if len(b.errs) > before {
		return
	}

	ref := func(r secretspec.Ref, fields refpath.Fields) {
		for _, have := range b.refs {
			if refEqual(have, r) {
				return
			}
		}
		r.Origin = p.String()
		b.refs = append(b.refs, r)
		b.fields = append(b.fields, fields)
	}
	keyRef := "secret " + s.Group + " key " + s.Key
	if s.MountRequirement == MountEnvVar {
		b.envPrefix = true
		name := EnvVarName(s)
		if b.claimVar(name, keyRef, p, p.Child("key"), "its variable "+name) {
			ref(secretspec.Ref{Secret: s.Group, Key: s.Key, As: secretspec.Env, EnvVar: name, Optional: true}, envFields)
		}
		if s.EnvVar != "" && b.claimVar(s.EnvVar, keyRef, p, p.Child("env_var"), "env_var") {
			ref(secretspec.Ref{Secret: s.Group, Key: s.Key, As: secretspec.Env, EnvVar: s.EnvVar, Optional: true}, envVarFields)
		}
		return
	}
	b.fileVars = true
	file := FilePath(s)
	if prev, ok := b.files[file]; ok && prev.key != s.Key {
		b.errs = append(b.errs, field.Invalid(p.Child("key"), s.Key, fmt.Sprintf(
			"keys %q (%s) and %q both become the file %s after lower-casing", prev.key, prev.at, s.Key, file)))
		return
	} else if !ok {
		b.files[file] = fileUse{s.Key, p}
	}
	ref(secretspec.Ref{Secret: s.Group, As: secretspec.Mount, MountPath: MountPath(s),
		Items: []corev1.KeyToPath{{Key: s.Key, Path: strings.ToLower(s.Key)}}, Optional: true}, mountFields)
	if s.EnvVar != "" && b.claimVar(s.EnvVar, "value "+file, p, p.Child("env_var"), "env_var") {
		b.plains = append(b.plains, corev1.EnvVar{Name: s.EnvVar, Value: file})
	}
}

// claimVar records that the request at p sets variable name to def; it is false, with an error at
// blame, if the variable is already set to something else, and false without error if it is
// already set to the same thing.
func (b *refBuilder) claimVar(name, def string, p, blame *field.Path, what string) bool {
	prev, ok := b.vars[name]
	if !ok {
		b.vars[name] = varUse{def: def, by: p.String()}
		return true
	}
	if prev.def != def {
		b.errs = append(b.errs, &field.Error{Type: field.ErrorTypeDuplicate, Field: blame.String(), BadValue: name,
			Detail: fmt.Sprintf("%s is already set by %s to another value", what, prev.by)})
	}
	return false
}

func refEqual(a, b secretspec.Ref) bool {
	if a.Secret != b.Secret || a.Key != b.Key || a.As != b.As || a.EnvVar != b.EnvVar || a.MountPath != b.MountPath ||
		a.Optional != b.Optional || len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if a.Items[i].Key != b.Items[i].Key || a.Items[i].Path != b.Items[i].Path {
			return false
		}
	}
	return true
}

// Flyte's names of the Ref fields each kind of ref sets; "" reports at the request itself, for
// a value Flyte derives (the _FSEC_ variable).
var (
	envFields    = refpath.Fields{"secret": "group", "key": "key", "envVar": ""}
	envVarFields = refpath.Fields{"secret": "group", "key": "key", "envVar": "env_var"}
	mountFields  = refpath.Fields{"secret": "group", "items": "key", "mountPath": "group"}
)
