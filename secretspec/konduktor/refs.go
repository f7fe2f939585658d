package konduktor

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Refs returns the refs and plain variables for the workloads of one owner, given the Secrets
// listed in a namespace. Only Secrets whose LabelOwner is owner are used; the others are
// ignored. root is where default Secrets are mounted ("" means DefaultRoot).
//
//   - default: a Mount ref at <root>/<basename>; when the Secret has encode's tree annotation
//     (a directory kept with encode.Tree), Items from encode.TreeItems restore its files and
//     folders, else every key is a file. If there is any, the plain variable
//     KONDUKTOR_DEFAULT_SECRETS=<root>.
//   - env: one Env ref per key, the variable named after the key, sorted by key.
//   - git-ssh: a GitSSH ref on the key that holds the private key: "ssh-privatekey" if present,
//     else the only key besides "known_hosts"; a "known_hosts" key turns on strict host checking.
//
// Refs come out default first (by basename), then env (by Secret name and key), then git-ssh,
// whatever the order of secrets. The error lists every problem, naming the Secret: an owner
// that is not a DNS-1123 label, a missing or unknown kind or basename, two default Secrets with
// one basename, two git-ssh Secrets, a git-ssh Secret without an identifiable key, an env key
// that is not a variable name or is set by two Secrets, a bad tree annotation. No error shows
// a Secret's data.
func Refs(secrets []corev1.Secret, owner, root string) ([]secretspec.Ref, []corev1.EnvVar, error) {
	if err := validateOwner(owner); err != nil {
		return nil, nil, err
	}
	if root == "" {
		root = DefaultRoot
	}
	if !path.IsAbs(root) || path.Clean(root) != root || root == "/" {
		return nil, nil, fmt.Errorf("konduktor: root %q must be a clean absolute directory other than /", root)
	}

	var mine []owned
	for i := range secrets {
		if secrets[i].Labels[LabelOwner] == owner {
			mine = append(mine, owned{i, &secrets[i]})
		}
	}
	slices.SortFunc(mine, func(a, b owned) int {
		if c := kindOrder(a.s.Labels[LabelKind]) - kindOrder(b.s.Labels[LabelKind]); c != 0 {
			return c
		}
		if c := strings.Compare(a.s.Labels[LabelBasename], b.s.Labels[LabelBasename]); c != 0 {
			return c
		}
		return strings.Compare(a.s.Name, b.s.Name)
	})

	b := builder{root: root, basenames: map[string]owned{}, vars: map[string]varUse{}}
	for _, o := range mine {
		b.add(o)
	}
	var plains []corev1.EnvVar
	if b.defaults > 0 {
		plains = []corev1.EnvVar{{Name: DefaultSecretsVar, Value: root}}
	}
	if len(b.errs) == 0 {
		b.errs = b.validateRefs()
	}
	if len(b.errs) > 0 {
		return nil, nil, errlist.From(b.errs)
	}
	return b.refs, plains, nil
}

// owned is one of the owner's Secrets and its position in the caller's list.
type owned struct {
	i int
	s *corev1.Secret
}

func (o owned) path() *field.Path { return field.NewPath("secrets").Index(o.i) }

// who names the Secret in error details.
func (o owned) who() string { return o.path().String() + " (Secret " + strconv.Quote(o.s.Name) + ")" }

func kindOrder(kind string) int {
	switch kind {
	case KindDefault:
		return 0
	case KindEnv:
		return 1
	case KindGitSSH:
		return 2
	}
	return 3
}

type varUse struct {
	by  owned
	key string
}

type builder struct {
	root      string
	refs      []secretspec.Ref
	origins   []owned
	basenames map[string]owned // basename of a default Secret -> the Secret
	vars      map[string]varUse
	gitSSH    *owned
	defaults  int
	errs      field.ErrorList
}

func (b *builder) fail(e *field.Error, o owned) {
	e.Detail = "Secret " + strconv.Quote(o.s.Name) + ": " + e.Detail
	b.errs = append(b.errs, e)
}

func (b *builder) add(o owned) {
	labels := o.path().Child("metadata", "labels")
	kind, ok := o.s.Labels[LabelKind]
	switch {
	case !ok:
		b.fail(field.Required(labels.Key(LabelKind), "expected "+KindDefault+", "+KindEnv+" or "+KindGitSSH), o)
		return
	case !knownKind(kind):
		b.fail(field.NotSupported(labels.Key(LabelKind), kind, []string{KindDefault, KindEnv, KindGitSSH}), o)
		return
	}
	keys := dataKeys(o.s)
	switch kind {
	case KindDefault:
		b.addDefault(o, labels)
	case KindEnv:
		for _, k := range keys {
			b.addEnv(o, k)
		}
	case KindGitSSH:
		b.addGitSSH(o, keys)
	}
}

func (b *builder) addDefault(o owned, labels *field.Path) {
	base, ok := o.s.Labels[LabelBasename]
	switch {
	case !ok || base == "":
		b.fail(field.Required(labels.Key(LabelBasename), "a default secret is mounted at <root>/<basename>"), o)
		return
	case strings.Contains(base, "/") || base == "." || base == "..":
		b.fail(field.Invalid(labels.Key(LabelBasename), base, "must be one path element"), o)
		return
	}
	if prev, ok := b.basenames[base]; ok {
		b.fail(&field.Error{Type: field.ErrorTypeDuplicate, Field: labels.Key(LabelBasename).String(), BadValue: base,
			Detail: "the same basename as " + prev.who() + ": both would be mounted at " + b.root + "/" + base}, o)
		return
	}
	b.basenames[base] = o
	items, err := encode.TreeItems(o.s)
	if err != nil {
		b.fail(field.Invalid(o.path().Child("metadata", "annotations").Key(encode.TreeAnnotation), field.OmitValueType{},
			"cannot restore the directory tree: "+err.Error()), o)
		return
	}
	b.defaults++
	b.refs = append(b.refs, secretspec.Ref{Secret: o.s.Name, As: secretspec.Mount, MountPath: b.root + "/" + base, Items: items})
	b.origins = append(b.origins, o)
}

func (b *builder) addEnv(o owned, key string) {
	p := o.path().Child("data").Key(key)
	if msgs := validation.IsRelaxedEnvVarName(key); len(msgs) > 0 {
		for _, msg := range msgs {
			b.fail(field.Invalid(p, key, "an env secret's key becomes a variable name: "+msg), o)
		}
		return
	}
	if prev, ok := b.vars[key]; ok {
		b.fail(&field.Error{Type: field.ErrorTypeDuplicate, Field: p.String(), BadValue: key,
			Detail: "the variable is also set by " + prev.by.who()}, o)
		return
	}
	b.vars[key] = varUse{o, key}
	b.refs = append(b.refs, secretspec.Ref{Secret: o.s.Name, Key: key, As: secretspec.Env, EnvVar: key})
	b.origins = append(b.origins, o)
}

func (b *builder) addGitSSH(o owned, keys []string) {
	if b.gitSSH != nil {
		b.fail(field.Forbidden(o.path(), "an owner has only one git-ssh secret, and "+b.gitSSH.who()+" is one too"), o)
		return
	}
	b.gitSSH = &o
	var candidates []string
	hasKnownHosts := false
	key := ""
	for _, k := range keys {
		switch k {
		case secretspec.KnownHostsKey:
			hasKnownHosts = true
		case secretspec.DefaultGitSSHKey:
			key = k
		default:
			candidates = append(candidates, k)
		}
	}
	if key == "" {
		if len(candidates) != 1 {
			b.fail(field.Invalid(o.path().Child("data"), field.OmitValueType{}, fmt.Sprintf(
				"cannot tell which key holds the private key: expected %q or exactly one key besides %q, found %d (%s)",
				secretspec.DefaultGitSSHKey, secretspec.KnownHostsKey, len(candidates), strings.Join(quoteAll(candidates), ", "))), o)
			return
		}
		key = candidates[0]
	}
	r := secretspec.Ref{Secret: o.s.Name, Key: key, As: secretspec.GitSSH}
	if hasKnownHosts {
		r.Items = []corev1.KeyToPath{{Key: secretspec.KnownHostsKey, Path: secretspec.KnownHostsKey}}
	}
	b.refs = append(b.refs, r)
	b.origins = append(b.origins, o)
}

// dataKeys returns the Secret's keys, from data and stringData, sorted.
func dataKeys(s *corev1.Secret) []string {
	keys := make([]string, 0, len(s.Data)+len(s.StringData))
	for k := range s.Data {
		keys = append(keys, k)
	}
	for k := range s.StringData {
		if _, dup := s.Data[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// validateRefs runs the shared validation and reports each problem at the Secret that gave the
// ref: at secrets[i] itself (a Secret has no field for a Ref's), naming the Secret and, in the
// detail, the ref field.
func (b *builder) validateRefs() field.ErrorList {
	origins := make([]refpath.Origin, len(b.origins))
	for i, o := range b.origins {
		origins[i] = refpath.Origin{Path: o.path(), Mention: o.who()}
	}
	problems := refpath.Validate(b.refs, origins)
	for _, p := range problems {
		if p.Origin < 0 {
			continue
		}
		o := b.origins[p.Origin]
		p.Err.Field = o.path().String()
		if p.Field != "" {
			p.Err.Detail = "ref field " + strings.TrimPrefix(p.Field, ".") + ": " + p.Err.Detail
		}
		p.Err.Detail = "Secret " + strconv.Quote(o.s.Name) + ": " + p.Err.Detail
	}
	return refpath.Errors(problems)
}
