package main

import (
	"context"
	"fmt"
	"sort"
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

// secretCreate creates a secret, or merges its keys into the owner's secret of that name.
func secretCreate(ctx context.Context, env cli.Env, args []string) error {
	var c common
	var inline cli.StringList
	fs := cli.NewFlagSet(env, "secret create")
	kind := fs.String("kind", konduktor.KindDefault, "default (files), env (variables) or git-ssh (a private key)")
	fromFile := fs.String("from-file", "", "a file; its base name is the key")
	fromDir := fs.String("from-directory", "", "a directory, kept whole with its subfolders (kind default only)")
	fs.Var(&inline, "inline", "KEY=VALUE (repeatable)")
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("secret create: want exactly one secret name, got %d", len(pos))
	}
	basename := pos[0]
	sources, err := sourceFor(*kind, *fromFile, *fromDir, inline)
	if err != nil {
		return err
	}
	name, err := konduktor.SecretName(basename, owner)
	if err != nil {
		return cli.Usagef("secret create: %v", err)
	}
	labels, err := konduktor.Labels(basename, owner, *kind)
	if err != nil {
		return cli.Usagef("secret create: %v", err)
	}
	s, err := encode.Generic(name, sources...)
	if err != nil {
		return err
	}
	s.Namespace = c.namespace
	s.Labels = labels
	secrets := client.CoreV1().Secrets(c.namespace)
	if *kind == konduktor.KindGitSSH {
		if err := oneGitSSH(ctx, client, c.namespace, owner, name); err != nil {
			return err
		}
	}

	var result *corev1.Secret
	verb := "created"
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		existing, err := secrets.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			verb = "created"
			result, err = secrets.Create(ctx, s, metav1.CreateOptions{})
			return err
		}
		if err != nil {
			return err
		}
		if got := existing.Labels[konduktor.LabelOwner]; got != owner {
			return fmt.Errorf("secret %s exists but belongs to %q, not %q", name, got, owner)
		}
		if got := existing.Labels[konduktor.LabelKind]; got != *kind {
			return fmt.Errorf("secret %s exists with kind %q; delete it first to make it %q", basename, got, *kind)
		}
		merged, err := encode.Merge(existing, s)
		if err != nil {
			return fmt.Errorf("merging into secret %s: %w", basename, err)
		}
		verb = "merged (new keys added)"
		result, err = secrets.Update(ctx, merged, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secret %s %s for %s (kind %s, Secret %s/%s): %s\n",
		basename, verb, owner, *kind, c.namespace, name, cli.Keys(result))
	return nil
}

// sourceFor checks the source flags against the kind and returns the sources.
func sourceFor(kind, fromFile, fromDir string, inline []string) ([]encode.Source, error) {
	given := 0
	for _, set := range []bool{fromFile != "", fromDir != "", len(inline) > 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, cli.Usagef("secret create: give exactly one of --from-file, --from-directory and --inline")
	}
	switch kind {
	case konduktor.KindDefault:
	case konduktor.KindEnv:
		if len(inline) == 0 {
			return nil, cli.Usagef("secret create: kind env takes --inline only")
		}
	case konduktor.KindGitSSH:
		if fromFile == "" {
			return nil, cli.Usagef("secret create: kind git-ssh takes --from-file only")
		}
	default:
		return nil, cli.Usagef("secret create: --kind must be default, env or git-ssh, not %q", kind)
	}
	switch {
	case fromFile != "" && kind == konduktor.KindGitSSH:
		return []encode.Source{encode.FileAs(konduktor.GitSSHKey, fromFile)}, nil
	case fromFile != "":
		return []encode.Source{encode.File(fromFile)}, nil
	case fromDir != "":
		return []encode.Source{encode.Tree(fromDir)}, nil
	}
	var sources []encode.Source
	for i, kv := range inline {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, cli.Usagef("secret create: --inline #%d: want KEY=VALUE", i+1)
		}
		sources = append(sources, encode.Literal(k, v))
	}
	return sources, nil
}

// ownerSecrets lists the Konduktor secrets of owner ("" for every owner), sorted by name.
func ownerSecrets(ctx context.Context, client kubernetes.Interface, namespace, owner string) ([]corev1.Secret, error) {
	selector := konduktor.LabelParent + "=" + konduktor.ParentValue
	if owner != "" {
		selector += "," + konduktor.LabelOwner + "=" + owner
	}
	list, err := client.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	items := list.Items
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	return items, nil
}

// oneGitSSH refuses a second git-ssh secret for one owner.
func oneGitSSH(ctx context.Context, client kubernetes.Interface, namespace, owner, name string) error {
	items, err := ownerSecrets(ctx, client, namespace, owner)
	if err != nil {
		return err
	}
	for _, s := range items {
		if s.Labels[konduktor.LabelKind] == konduktor.KindGitSSH && s.Name != name {
			return fmt.Errorf("%s already has git-ssh secret %s; a user has at most one (delete it first)", owner, s.Labels[konduktor.LabelBasename])
		}
	}
	return nil
}

// secretList prints the owner's secrets, or everyone's.
func secretList(ctx context.Context, env cli.Env, args []string) error {
	var c common
	fs := cli.NewFlagSet(env, "secret list")
	var all bool
	fs.BoolVar(&all, "all-users", false, "list the secrets of every user")
	fs.BoolVar(&all, "u", false, "short for --all-users")
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("secret list: takes no arguments")
	}
	if all {
		owner = ""
	}
	items, err := ownerSecrets(ctx, client, c.namespace, owner)
	if err != nil {
		return err
	}
	tw := cli.Table(env.Stdout)
	fmt.Fprintln(tw, "NAME\tKIND\tOWNER\tKEYS")
	for i := range items {
		l := items[i].Labels
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l[konduktor.LabelBasename], l[konduktor.LabelKind], l[konduktor.LabelOwner], cli.Keys(&items[i]))
	}
	return tw.Flush()
}

// secretDelete deletes one of the owner's secrets.
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
	name, err := konduktor.SecretName(pos[0], owner)
	if err != nil {
		return cli.Usagef("secret delete: %v", err)
	}
	secrets := client.CoreV1().Secrets(c.namespace)
	s, err := secrets.Get(ctx, name, metav1.GetOptions{})
	if err == nil && (s.Labels[konduktor.LabelOwner] != owner || s.Labels[konduktor.LabelParent] != konduktor.ParentValue) {
		return fmt.Errorf("secret %s/%s is not a Konduktor secret of %s; not deleting it", c.namespace, name, owner)
	}
	if err == nil {
		err = secrets.Delete(ctx, name, metav1.DeleteOptions{})
	}
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%s has no secret %s", owner, pos[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secret %s of %s deleted\n", pos[0], owner)
	return nil
}
