package main

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// secretFlags are the flags of secret set and secret remove.
type secretFlags struct {
	cluster     cli.ClusterFlags
	clusterWide bool
	dryRun      bool
	watch       bool
	controller  controllerFlags // with --watch (controller.go)
}

// parseSecretFlags parses the flags of a secret command and returns the Secret's name.
func parseSecretFlags(env cli.Env, cmd string, args []string, withWatch bool) (secretFlags, string, error) {
	var f secretFlags
	fs := cli.NewFlagSet(env, cmd)
	f.cluster.Register(fs)
	fs.BoolVar(&f.clusterWide, "cluster-wide", false, "the Secret is in namespace runai and goes to every runai-* namespace (required)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "report what would change, change nothing")
	if withWatch {
		fs.BoolVar(&f.watch, "watch", false, "after labelling, keep every cluster-wide Secret in sync until interrupted")
		f.controller.register(fs)
	}
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return f, "", err
	}
	if len(pos) != 1 {
		return f, "", cli.Usagef("%s: want exactly one Secret name, got %d", cmd, len(pos))
	}
	if !f.clusterWide {
		return f, "", cli.Usagef("%s: only --cluster-wide secrets are supported; add --cluster-wide", cmd)
	}
	if f.controller.restart && !f.watch {
		return f, "", cli.Usagef("%s: --restart-on-rotation needs --watch", cmd)
	}
	if f.controller.leaderElect && !f.watch {
		return f, "", cli.Usagef("%s: --leader-elect needs --watch", cmd)
	}
	if f.watch && f.dryRun {
		return f, "", cli.Usagef("%s: --watch and --dry-run do not go together", cmd)
	}
	return f, pos[0], nil
}

// secretSet labels runai/NAME cluster-wide and propagates it.
func secretSet(ctx context.Context, env cli.Env, args []string) error {
	f, name, err := parseSecretFlags(env, "secret set", args, true)
	if err != nil {
		return err
	}
	client, err := f.cluster.Client(env)
	if err != nil {
		return err
	}
	if err := setLabel(ctx, env, client, name, true, f.dryRun); err != nil {
		return err
	}
	if f.watch {
		return runControllers(ctx, env, client, f.controller)
	}
	var opts []propagate.Option
	if f.dryRun {
		opts = append(opts, propagate.DryRun())
	}
	report, err := propagate.Sync(ctx, client, source(name), propagate.Targets{Pattern: runai.ProjectNamespacePattern}, opts...)
	return printReport(env, dryRunLabel("propagated", f.dryRun), report, err)
}

// secretRemove takes the label off runai/NAME and deletes its copies.
func secretRemove(ctx context.Context, env cli.Env, args []string) error {
	f, name, err := parseSecretFlags(env, "secret remove", args, false)
	if err != nil {
		return err
	}
	client, err := f.cluster.Client(env)
	if err != nil {
		return err
	}
	if err := setLabel(ctx, env, client, name, false, f.dryRun); err != nil {
		return err
	}
	var opts []propagate.Option
	if f.dryRun {
		opts = append(opts, propagate.DryRun())
	}
	report, err := propagate.Remove(ctx, client, source(name), opts...)
	return printReport(env, dryRunLabel("removed copies", f.dryRun), report, err)
}

// dryRunLabel marks a report heading as a dry run's.
func dryRunLabel(what string, dryRun bool) string {
	if dryRun {
		return what + " (dry run, nothing written)"
	}
	return what
}

func source(name string) types.NamespacedName {
	return types.NamespacedName{Namespace: runai.ClusterWideNamespace, Name: name}
}

// setLabel adds (on) or removes the cluster-wide label of runai/name, retrying on
// conflict, and says what it did.
func setLabel(ctx context.Context, env cli.Env, client kubernetes.Interface, name string, on, dryRun bool) error {
	secrets := client.CoreV1().Secrets(runai.ClusterWideNamespace)
	changed := false
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		s, err := secrets.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		value, present := s.Labels[runai.ClusterWideLabel]
		if on && value == runai.ClusterWideLabelValue || !on && !present {
			return nil
		}
		changed = true
		if dryRun {
			return nil
		}
		if on {
			if s.Labels == nil {
				s.Labels = map[string]string{}
			}
			s.Labels[runai.ClusterWideLabel] = runai.ClusterWideLabelValue
		} else {
			delete(s.Labels, runai.ClusterWideLabel)
		}
		_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("secret %s/%s: %w", runai.ClusterWideNamespace, name, err)
	}
	label := runai.ClusterWideLabel + "=" + runai.ClusterWideLabelValue
	var msg string
	switch {
	case on && !changed:
		msg = "already has " + label
	case on && dryRun:
		msg = "would get " + label + " (dry run)"
	case on:
		msg = "labelled " + label
	case !changed:
		msg = "has no " + runai.ClusterWideLabel + " label"
	case dryRun:
		msg = "would lose its " + runai.ClusterWideLabel + " label (dry run)"
	default:
		msg = "unlabelled: " + runai.ClusterWideLabel + " removed"
	}
	fmt.Fprintf(env.Stdout, "secret %s/%s %s\n", runai.ClusterWideNamespace, name, msg)
	return nil
}

// printReport prints a Sync or Remove report; a nil report means the run did not start.
func printReport(env cli.Env, what string, report *propagate.Report, err error) error {
	if report == nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %s\n", what, report.Summary())
	if len(report.Results) > 0 {
		if perr := cli.PrintReport(env.Stdout, report); perr != nil {
			return perr
		}
	}
	if err != nil {
		return fmt.Errorf("not every namespace is done (see above)")
	}
	return nil
}

// secretWatch keeps every cluster-wide Secret in sync until interrupted: the copier a
// Deployment runs in the cluster (deploy/), which labels nothing.
func secretWatch(ctx context.Context, env cli.Env, args []string) error {
	var cluster cli.ClusterFlags
	var clusterWide bool
	var f controllerFlags
	fs := cli.NewFlagSet(env, "secret watch")
	cluster.Register(fs)
	fs.BoolVar(&clusterWide, "cluster-wide", false, "copy the Secrets of namespace runai labelled runai/cluster-wide=true into every runai-* namespace (required)")
	f.register(fs)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return cli.Usagef("secret watch: takes no Secret name (it watches every cluster-wide Secret), got %d", len(pos))
	}
	if !clusterWide {
		return cli.Usagef("secret watch: only --cluster-wide secrets are supported; add --cluster-wide")
	}
	client, err := cluster.Client(env)
	if err != nil {
		return err
	}
	return runControllers(ctx, env, client, f)
}
