package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/internal/errlist"
)

// The label pachctl puts on the Secrets it creates, and lists them by.
const (
	sourceLabel = "secret-source"
	sourceValue = "pachyderm-user"
)

// clusterCmd parses the flags every secret command shares and returns the client, the
// namespace and the positional arguments.
func clusterCmd(env cli.Env, name string, args []string, extra func(*flag.FlagSet)) (kubernetes.Interface, string, []string, error) {
	fs := cli.NewFlagSet(env, name)
	var cluster cli.ClusterFlags
	cluster.Register(fs)
	namespace := fs.String("namespace", "default", "namespace of the Secrets")
	if extra != nil {
		extra(fs)
	}
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return nil, "", nil, err
	}
	client, err := cluster.Client(env)
	if err != nil {
		return nil, "", nil, err
	}
	return client, *namespace, pos, nil
}

// createSecret validates a manifest and creates the Secret.
func createSecret(ctx context.Context, env cli.Env, args []string) error {
	var file string
	client, namespace, pos, err := clusterCmd(env, "create secret", args, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "f", "", "Secret manifest, JSON or YAML (required)")
	})
	if err != nil {
		return err
	}
	if file == "" || len(pos) > 0 {
		return cli.Usagef("create secret: want -f secret.json and no arguments")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s, err := encode.Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if s.Namespace != "" && s.Namespace != namespace {
		return fmt.Errorf("%s: the manifest is for namespace %q, not %q (use --namespace)", file, s.Namespace, namespace)
	}
	s.Namespace = namespace
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	s.Labels[sourceLabel] = sourceValue
	if errs := encode.Validate(s); len(errs) > 0 {
		return fmt.Errorf("%s: %w", file, errlist.From(errs))
	}
	if _, err := client.CoreV1().Secrets(namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secret %s/%s created: %s, %s\n", namespace, s.Name, cli.SecretType(s), cli.Keys(s))
	return nil
}

// listSecret prints the Secrets pachctl created.
func listSecret(ctx context.Context, env cli.Env, args []string) error {
	client, namespace, pos, err := clusterCmd(env, "list secret", args, nil)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("list secret: takes no arguments")
	}
	list, err := client.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: sourceLabel + "=" + sourceValue})
	if err != nil {
		return err
	}
	items := list.Items
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	tw := cli.Table(env.Stdout)
	fmt.Fprintln(tw, "NAME\tTYPE\tKEYS")
	for i := range items {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", items[i].Name, cli.SecretType(&items[i]), len(items[i].Data))
	}
	return tw.Flush()
}

// getOwn reads a Secret pachctl created; other Secrets are "not found" to it.
func getOwn(ctx context.Context, client kubernetes.Interface, namespace, name string) (*corev1.Secret, error) {
	s, err := client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err == nil && s.Labels[sourceLabel] != sourceValue {
		return nil, fmt.Errorf("secret %s/%s was not created by pachctl (no %s=%s label); not touching it", namespace, name, sourceLabel, sourceValue)
	}
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("secret %s/%s not found", namespace, name)
	}
	return s, err
}

// oneName checks that a command got exactly one Secret name.
func oneName(cmd string, pos []string) (string, error) {
	if len(pos) != 1 {
		return "", cli.Usagef("%s: want exactly one Secret name, got %d", cmd, len(pos))
	}
	return pos[0], nil
}

// inspectSecret shows one Secret's type, labels, keys and sizes.
func inspectSecret(ctx context.Context, env cli.Env, args []string) error {
	client, namespace, pos, err := clusterCmd(env, "inspect secret", args, nil)
	if err != nil {
		return err
	}
	name, err := oneName("inspect secret", pos)
	if err != nil {
		return err
	}
	s, err := getOwn(ctx, client, namespace, name)
	if err != nil {
		return err
	}
	tw := cli.Table(env.Stdout)
	fmt.Fprintf(tw, "Name:\t%s\n", s.Name)
	fmt.Fprintf(tw, "Namespace:\t%s\n", s.Namespace)
	fmt.Fprintf(tw, "Type:\t%s\n", cli.SecretType(s))
	keys := make([]string, 0, len(s.Data))
	for k := range s.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(tw, "Keys:\t%d\n", len(keys))
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%d bytes\n", k, len(s.Data[k]))
	}
	return tw.Flush()
}

// deleteSecret deletes a Secret pachctl created.
func deleteSecret(ctx context.Context, env cli.Env, args []string) error {
	client, namespace, pos, err := clusterCmd(env, "delete secret", args, nil)
	if err != nil {
		return err
	}
	name, err := oneName("delete secret", pos)
	if err != nil {
		return err
	}
	s, err := getOwn(ctx, client, namespace, name)
	if err != nil {
		return err
	}
	uid := s.UID
	opts := metav1.DeleteOptions{}
	if uid != "" {
		opts.Preconditions = &metav1.Preconditions{UID: &uid}
	}
	if err := client.CoreV1().Secrets(namespace).Delete(ctx, name, opts); err != nil {
		if apierrors.IsNotFound(err) {
			return errors.New("secret " + namespace + "/" + name + " not found")
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "secret %s/%s deleted\n", namespace, name)
	return nil
}
