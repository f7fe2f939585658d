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
	"github.com/podsecrets/podsecrets/secretspec"
)

// gitSSHCommandVar is the variable a GitSSH ref sets.
const gitSSHCommandVar = "GIT_SSH_COMMAND"

// gitSSHMode is the mode of the key file (0400), as inject gives a GitSSH ref's key.
const gitSSHMode int32 = 0o400

// Refs returns what the workloads of one owner receive, given the Secrets of a namespace: the
// refs, and the Extras holding KONDUKTOR_DEFAULT_SECRETS. Every ref and the Extras are for
// MainContainer alone; sidecars and init containers get nothing. root is where default Secrets
// are mounted ("" means DefaultRoot).
//
// The owner's Secrets are those whose LabelOwner is owner. Of those, a Secret with no kind label
// or a kind other than default, env and git-ssh (Konduktor's own storage-credential and
// konduktor-ssh-keys-<owner> Secrets) is skipped. The others are read in the order of their
// names, as Konduktor lists them:
//
//   - default: a Mount ref at <root>/<basename> (the Secret's name when it has no basename
//     label). A Secret with encode's tree annotation (a directory) gets Items restoring its
//     files and folders (encode.TreeItems), plus every key outside the tree as a file of its
//     own name, so a file and a directory created under one name are both there. If any
//     default Secret is mounted, the Extras hold KONDUKTOR_DEFAULT_SECRETS=<root>.
//   - env: one Env ref per key, the variable named after the key, verbatim. When two env
//     Secrets set one variable, the later by Secret name wins: only its ref is returned.
//   - git-ssh: a GitSSH ref on the key GitSSHKey; of several git-ssh Secrets the first by name
//     is used and the others are skipped.
//
// Konduktor's precedence, task env > env secrets > the template's env, is built as inject orders
// things: keep the template's env in MainContainer, append the task's variables to the Extras'
// Env (a task variable named KONDUKTOR_DEFAULT_SECRETS replaces the one here: one Extras holds
// a name once), and apply with inject.WithConflictPolicy(inject.ConflictOverride) and
// inject.WithExtras. An env secret also wins over Konduktor's own variables: one setting
// KONDUKTOR_DEFAULT_SECRETS leaves it out of the Extras, and one setting GIT_SSH_COMMAND turns
// the git-ssh ref into a plain Mount of the key file (mode 0400 at /etc/git-ssh/gitkey), so
// that the env secret's variable is the one the task sees.
//
// Refs come out default first, then env, then git-ssh, each in the order of Secret names (env
// refs by key within a Secret); each ref's Origin names its secret by basename and kind:
// `secret "db" (kind env)`. The error lists every problem, each at its secret's Origin: an owner
// that is not a DNS-1123 label, a root that is not a clean absolute directory, a basename that
// is not one path element, a tree annotation that cannot be read, a file that has the path of
// a directory of the tree, and what secretspec.ValidateRefs refuses (two default Secrets
// mounted at one path). No error shows a Secret's data. Refs never modifies secrets.
func Refs(secrets []corev1.Secret, owner, root string) ([]secretspec.Ref, secretspec.Extras, error) {
	if err := validateOwner(owner); err != nil {
		return nil, secretspec.Extras{}, err
	}
	if root == "" {
		root = DefaultRoot
	}
	if !path.IsAbs(root) || path.Clean(root) != root || root == "/" {
		return nil, secretspec.Extras{}, fmt.Errorf("konduktor: root %q must be a clean absolute directory other than /", root)
	}
	b := builder{root: root, vars: map[string]int{}}
	for _, s := range ownedSecrets(secrets, owner) {
		switch s.Labels[LabelKind] {
		case KindDefault:
			b.addDefault(s)
		case KindEnv:
			b.addEnv(s)
		case KindGitSSH:
			b.addGitSSH(s)
		}
	}
	refs := b.refs()
	x := secretspec.Extras{Containers: []string{MainContainer}}
	if _, set := b.vars[DefaultSecretsVar]; b.defaults > 0 && !set {
		x.Env = []corev1.EnvVar{{Name: DefaultSecretsVar, Value: root}}
	}
	errs := append(b.errs, validateRefs(refs)...)
	if len(errs) > 0 {
		return nil, secretspec.Extras{}, fmt.Errorf("konduktor: %w", errlist.From(errs))
	}
	return refs, x, nil
}

// ownedSecrets returns the owner's Secrets of a known kind, sorted by name (in input order for
// equal names).
func ownedSecrets(secrets []corev1.Secret, owner string) []*corev1.Secret {
	var mine []*corev1.Secret
	for i := range secrets {
		s := &secrets[i]
		if s.Labels[LabelOwner] == owner && knownKind(s.Labels[LabelKind]) {
			mine = append(mine, s)
		}
	}
	slices.SortStableFunc(mine, func(a, b *corev1.Secret) int { return strings.Compare(a.Name, b.Name) })
	return mine
}

// basename is the secret's name as its user gave it: the basename label, else (as Konduktor
// falls back) the Secret's name.
func basename(s *corev1.Secret) string {
	if b := s.Labels[LabelBasename]; b != "" {
		return b
	}
	return s.Name
}

// origin returns how Refs names the Konduktor secret s in a Ref's Origin and in errors: its
// basename (else its Secret name) and kind, e.g. `secret "db" (kind env)`.
func origin(s *corev1.Secret) string {
	return "secret " + strconv.Quote(basename(s)) + " (kind " + s.Labels[LabelKind] + ")"
}

var mainOnly = []string{MainContainer}

// builder collects the refs of one owner, kind by kind.
type builder struct {
	root     string
	defaults int
	mounts   []secretspec.Ref
	env      []secretspec.Ref
	envKept  []bool         // env[i] is not overridden by a later env Secret
	vars     map[string]int // variable -> index in env of the ref that sets it now
	gitSSH   *secretspec.Ref
	errs     field.ErrorList
}

func (b *builder) addDefault(s *corev1.Secret) {
	from := origin(s)
	base := basename(s)
	if strings.Contains(base, "/") || base == "." || base == ".." {
		b.errs = append(b.errs, field.Invalid(field.NewPath(from), base,
			"the basename is the directory the secret is mounted at under "+b.root+": it must be one path element"))
		return
	}
	items, err := encode.TreeItems(s)
	if err != nil {
		b.errs = append(b.errs, field.Invalid(field.NewPath(from).Child("metadata", "annotations").Key(encode.TreeAnnotation),
			field.OmitValueType{}, "cannot restore the directory tree: "+err.Error()))
		return
	}
	if items != nil {
		if items, err = withLooseFiles(s, items); err != nil {
			b.errs = append(b.errs, field.Invalid(field.NewPath(from).Child("data"), field.OmitValueType{}, err.Error()))
			return
		}
	}
	b.defaults++
	b.mounts = append(b.mounts, secretspec.Ref{
		Secret: s.Name, As: secretspec.Mount, MountPath: b.root + "/" + base, Items: items,
		Containers: mainOnly, Origin: from,
	})
}

// withLooseFiles adds to the items of a tree every key of s outside the tree, as a file named
// after the key (a file created under the name of a directory secret, or the other way round),
// sorted by key. A key whose file would be a directory of the tree is an error.
func withLooseFiles(s *corev1.Secret, tree []corev1.KeyToPath) ([]corev1.KeyToPath, error) {
	inTree := make(map[string]bool, len(tree))
	dirs := map[string]string{} // directory of the tree -> a key inside it
	for _, it := range tree {
		inTree[it.Key] = true
		for p := path.Dir(it.Path); p != "."; p = path.Dir(p) {
			dirs[p] = it.Key
		}
	}
	items := slices.Clone(tree)
	for _, k := range dataKeys(s) {
		if inTree[k] {
			continue
		}
		if inside, ok := dirs[k]; ok {
			return nil, fmt.Errorf("the file of key %q would have the path of the tree's directory %q (which holds key %q)", k, k, inside)
		}
		items = append(items, corev1.KeyToPath{Key: k, Path: k})
	}
	slices.SortFunc(items, func(a, b corev1.KeyToPath) int { return strings.Compare(a.Key, b.Key) })
	return items, nil
}

func (b *builder) addEnv(s *corev1.Secret) {
	from := origin(s)
	for _, k := range dataKeys(s) {
		if prev, ok := b.vars[k]; ok {
			b.envKept[prev] = false // the later Secret by name wins, as in Konduktor
		}
		b.vars[k] = len(b.env)
		b.env = append(b.env, secretspec.Ref{Secret: s.Name, Key: k, As: secretspec.Env, EnvVar: k, Containers: mainOnly, Origin: from})
		b.envKept = append(b.envKept, true)
	}
}

func (b *builder) addGitSSH(s *corev1.Secret) {
	if b.gitSSH != nil {
		return // the first by name is used, as in Konduktor
	}
	b.gitSSH = &secretspec.Ref{Secret: s.Name, Key: GitSSHKey, As: secretspec.GitSSH, Containers: mainOnly, Origin: origin(s)}
}

// refs returns the refs in their order: default, env, git-ssh.
func (b *builder) refs() []secretspec.Ref {
	out := make([]secretspec.Ref, 0, len(b.mounts)+len(b.env)+1)
	out = append(out, b.mounts...)
	for i, r := range b.env {
		if b.envKept[i] {
			out = append(out, r)
		}
	}
	if g := b.gitSSH; g != nil {
		if _, set := b.vars[gitSSHCommandVar]; set {
			// An env secret sets GIT_SSH_COMMAND and wins: only the key file remains.
			mode := gitSSHMode
			out = append(out, secretspec.Ref{Secret: g.Secret, Key: g.Key, As: secretspec.Mount,
				MountPath: secretspec.DefaultGitSSHPath, Mode: &mode, Containers: g.Containers, Origin: g.Origin})
		} else {
			out = append(out, *g)
		}
	}
	return out
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

// validateRefs runs the shared validation; every ref has its Origin, which names its problems.
func validateRefs(refs []secretspec.Ref) field.ErrorList {
	return secretspec.ValidateRefs(refs, field.NewPath("refs"))
}
