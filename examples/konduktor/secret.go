package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// createFlags are the flags of `secret create`, with Konduktor's spellings.
type createFlags struct {
	kind, fromFile, fromDir string
	inline                  cli.StringList
}

func (f *createFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "kind", konduktor.KindDefault, "default (files), env (variables) or git-ssh (a private key)")
	for _, name := range []string{"from-file", "from_file"} {
		fs.StringVar(&f.fromFile, name, "", "a file; its base name is the key (git-ssh: stored as gitkey)")
	}
	for _, name := range []string{"from-directory", "from_directory"} {
		fs.StringVar(&f.fromDir, name, "", "a directory, kept whole with its folders (kind default)")
	}
	fs.Var(&f.inline, "inline", "KEY=VALUE (repeatable)")
}

// secretCreate creates a secret, or patches the owner's secret of that name as Konduktor does.
func secretCreate(ctx context.Context, env cli.Env, args []string) error {
	var c common
	var f createFlags
	fs := cli.NewFlagSet(env, "secret create")
	f.register(fs)
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("secret create: want exactly one secret name, got %d", len(pos))
	}
	basename := pos[0]
	if err := konduktor.ValidateBasename(basename); err != nil {
		return cli.Usagef("secret create: %s", libMessage(err))
	}
	sources, fromDir, err := f.sources(env)
	if err != nil {
		return err
	}
	name, err := konduktor.SecretName(basename, owner)
	if err != nil {
		return cli.Usagef("secret create: %s", libMessage(err))
	}
	labels, err := konduktor.Labels(basename, owner, f.kind)
	if err != nil {
		return cli.Usagef("secret create: %s", libMessage(err))
	}
	s, err := encode.Generic(name, sources...)
	if err != nil {
		return fmt.Errorf("secret create: %w", err)
	}
	s.Namespace, s.Labels, s.Type = c.namespace, labels, corev1.SecretTypeOpaque
	if f.kind == konduktor.KindGitSSH {
		if err := deleteGitSSH(ctx, env, client, c.namespace, owner); err != nil {
			return err
		}
	}
	result, verb, err := writeSecret(ctx, client, s, owner, fromDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secret %s %s for %s (kind %s, Secret %s/%s): %s\n",
		basename, verb, owner, f.kind, c.namespace, name, cli.Keys(result))
	return nil
}

// libMessage is a secretspec/konduktor error without the package's prefix, which the program
// name takes the place of.
func libMessage(err error) string { return strings.TrimPrefix(err.Error(), "konduktor: ") }

// sources checks the source flags against the kind, as Konduktor's `secret create` does, and
// returns the sources; fromDir says the source is a directory.
func (f *createFlags) sources(env cli.Env) (sources []encode.Source, fromDir bool, err error) {
	switch f.kind {
	case konduktor.KindDefault, konduktor.KindEnv, konduktor.KindGitSSH:
	default:
		return nil, false, cli.Usagef("secret create: --kind must be default, env or git-ssh, not %q", f.kind)
	}
	given := 0
	for _, set := range []bool{f.fromFile != "", f.fromDir != "", len(f.inline) > 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, false, cli.Usagef("secret create: give exactly one of --from-file, --from-directory and --inline (got %d)", given)
	}
	switch {
	case f.kind == konduktor.KindGitSSH && f.fromFile == "":
		return nil, false, cli.Usagef("secret create: --kind git-ssh takes --from-file (not --from-directory or --inline)")
	case f.kind == konduktor.KindEnv && len(f.inline) == 0:
		return nil, false, cli.Usagef("secret create: --kind env takes --inline (not --from-file or --from-directory)")
	}
	switch {
	case f.fromFile != "" && f.kind == konduktor.KindGitSSH:
		return []encode.Source{encode.FileAs(konduktor.GitSSHKey, expandHome(env, f.fromFile))}, false, nil
	case f.fromFile != "":
		return []encode.Source{encode.File(expandHome(env, f.fromFile))}, false, nil
	case f.fromDir != "":
		sources, err := directorySources(expandHome(env, f.fromDir))
		if err != nil {
			return nil, false, cli.Usagef("secret create: %v", err)
		}
		return sources, true, nil
	}
	for i, kv := range f.inline {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			// The text is not quoted: it may be a value pasted without its key.
			return nil, false, cli.Usagef("secret create: --inline #%d is not KEY=VALUE (no '=')", i+1)
		}
		sources = append(sources, encode.Literal(k, v))
	}
	return sources, false, nil
}

// expandHome replaces a leading "~/" with $HOME, as Konduktor does (os.path.expanduser) for
// `--from-file=~/.ssh/id_rsa`, where the shell leaves the '~' alone.
func expandHome(env cli.Env, path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home := env.LookupEnv("HOME"); home != "" {
			return home + "/" + rest
		}
	}
	return path
}

// writeSecret creates s, or patches the owner's Secret of its name as Konduktor does: keys
// merge and the new value of a key wins, the labels (kind included) are rewritten; a directory
// replaces every file of the directory stored before (Konduktor overwrites its one zip), files
// and inline keys stay beside it. The result must be something Refs can inject. It returns the
// Secret written and what happened ("created" or "updated").
func writeSecret(ctx context.Context, client kubernetes.Interface, s *corev1.Secret, owner string, fromDir bool) (*corev1.Secret, string, error) {
	secrets := client.CoreV1().Secrets(s.Namespace)
	var result *corev1.Secret
	verb := ""
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		existing, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			if err := injectable(s, owner); err != nil {
				return err
			}
			verb = "created"
			result, err = secrets.Create(ctx, s, metav1.CreateOptions{})
			return err
		}
		if err != nil {
			return err
		}
		if !ownedBy(existing, owner) {
			return fmt.Errorf("secret create: the Secret %s/%s exists and is not a Konduktor secret of %s; not changing it", s.Namespace, s.Name, owner)
		}
		base := existing
		if fromDir {
			base = withoutTree(existing)
		}
		merged, err := encode.Merge(base, s)
		if err != nil {
			return fmt.Errorf("secret create: merging into Secret %s: %w", s.Name, err)
		}
		if err := injectable(merged, owner); err != nil {
			return err
		}
		verb = "updated"
		result, err = secrets.Update(ctx, merged, metav1.UpdateOptions{})
		return err
	})
	return result, verb, err
}

// injectable refuses to store a secret Refs could not inject (a file at the path of a folder of
// the directory stored under the same name).
func injectable(s *corev1.Secret, owner string) error {
	if _, _, err := konduktor.Refs([]corev1.Secret{*s}, owner, ""); err != nil {
		return fmt.Errorf("secret create: the secret would not reach a workload, not storing it: %s", libMessage(err))
	}
	return nil
}

// withoutTree returns a copy of s without the files of its directory and without the tree
// annotation.
func withoutTree(s *corev1.Secret) *corev1.Secret {
	out := s.DeepCopy()
	items, err := encode.TreeItems(s)
	if err != nil || items == nil {
		return out // nothing readable to drop; Merge and Refs report a broken annotation
	}
	for _, it := range items {
		delete(out.Data, it.Key)
	}
	delete(out.Annotations, encode.TreeAnnotation)
	return out
}

// ownedBy reports whether s is a Konduktor secret of owner.
func ownedBy(s *corev1.Secret, owner string) bool {
	return s.Labels[konduktor.LabelParent] == konduktor.ParentValue && s.Labels[konduktor.LabelOwner] == owner
}

// deleteGitSSH deletes the owner's git-ssh secrets before a new one is created: an owner has
// one, so rotating the key (from another file, under any name) leaves one key.
func deleteGitSSH(ctx context.Context, env cli.Env, client kubernetes.Interface, namespace, owner string) error {
	items, err := konduktorSecrets(ctx, client, namespace, owner)
	if err != nil {
		return err
	}
	for _, s := range items {
		if s.Labels[konduktor.LabelKind] != konduktor.KindGitSSH {
			continue
		}
		err := client.CoreV1().Secrets(namespace).Delete(ctx, s.Name, deleteThis(&s))
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("secret create: deleting the existing git-ssh secret %s: %w", basenameOf(&s), err)
		}
		fmt.Fprintf(env.Stdout, "existing git-ssh secret %s of %s deleted (one per user)\n", basenameOf(&s), owner)
	}
	return nil
}

// deleteThis deletes s and not a Secret of the same name made since it was listed.
func deleteThis(s *corev1.Secret) metav1.DeleteOptions {
	if s.UID == "" {
		return metav1.DeleteOptions{}
	}
	return metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions(string(s.UID))}
}

// konduktorSecrets lists the Konduktor Secrets of owner ("" for every owner), sorted by name.
func konduktorSecrets(ctx context.Context, client kubernetes.Interface, namespace, owner string) ([]corev1.Secret, error) {
	selector := konduktor.LabelParent + "=" + konduktor.ParentValue
	if owner != "" {
		selector += "," + konduktor.LabelOwner + "=" + owner
	}
	list, err := client.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	items := list.Items
	slices.SortFunc(items, func(a, b corev1.Secret) int { return strings.Compare(a.Name, b.Name) })
	return items, nil
}

// basenameOf is the name a user knows a secret by: its basename label, else its Secret name.
func basenameOf(s *corev1.Secret) string {
	if b := s.Labels[konduktor.LabelBasename]; b != "" {
		return b
	}
	return s.Name
}

// secretList prints the owner's secrets, or (-u, --all-users) every Konduktor secret of the
// namespace with its owner.
func secretList(ctx context.Context, env cli.Env, args []string) error {
	var c common
	fs := cli.NewFlagSet(env, "secret list")
	var all bool
	for _, name := range []string{"all-users", "all_users", "u"} {
		fs.BoolVar(&all, name, false, "list the secrets of every user")
	}
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("secret list: takes no arguments")
	}
	whose := owner
	if all {
		whose = ""
	}
	items, err := konduktorSecrets(ctx, client, c.namespace, whose)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		if all {
			fmt.Fprintf(env.Stdout, "no secrets in namespace %s\n", c.namespace)
		} else {
			fmt.Fprintf(env.Stdout, "no secrets of %s in namespace %s\n", owner, c.namespace)
		}
		return nil
	}
	tw := cli.Table(env.Stdout)
	if all {
		fmt.Fprintln(tw, "NAME\tKIND\tOWNER\tKEYS")
	} else {
		fmt.Fprintln(tw, "NAME\tKIND\tKEYS")
	}
	for i := range items {
		s := &items[i]
		kind := s.Labels[konduktor.LabelKind]
		if kind == "" {
			kind = "(none)"
		}
		if all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", basenameOf(s), kind, s.Labels[konduktor.LabelOwner], cli.Keys(s))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", basenameOf(s), kind, cli.Keys(s))
		}
	}
	return tw.Flush()
}

// secretDelete deletes the owner's secret of that name; nobody else's can be.
func secretDelete(ctx context.Context, env cli.Env, args []string) error {
	var c common
	fs := cli.NewFlagSet(env, "secret delete")
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("secret delete: want exactly one secret name, got %d", len(pos))
	}
	items, err := konduktorSecrets(ctx, client, c.namespace, owner)
	if err != nil {
		return err
	}
	var matches []corev1.Secret
	for _, s := range items {
		if basenameOf(&s) == pos[0] {
			matches = append(matches, s)
		}
	}
	switch len(matches) {
	case 0:
		return fmt.Errorf("secret delete: %s has no secret named %s in namespace %s", owner, pos[0], c.namespace)
	case 1:
	default:
		return fmt.Errorf("secret delete: %s has %d secrets named %s in namespace %s; delete the Secrets themselves", owner, len(matches), pos[0], c.namespace)
	}
	s := matches[0]
	err = client.CoreV1().Secrets(c.namespace).Delete(ctx, s.Name, deleteThis(&s))
	if err != nil {
		return fmt.Errorf("secret delete: %w", err)
	}
	fmt.Fprintf(env.Stdout, "secret %s of %s deleted\n", pos[0], owner)
	return nil
}
