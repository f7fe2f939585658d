package main

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/rollout"
)

// restartFlagUsage is the help of secret set's --restart-on-rotation.
const restartFlagUsage = "with --watch, also restart workloads labelled " + rollout.LabelOptIn +
	"=true when a Secret they read changes (a rotated cluster-wide Secret reaches its copies, then their consumers)"

// withRestartOnRotation runs watch and, when on, the rollout controller beside it, until ctx
// ends; the first error stops both.
func withRestartOnRotation(ctx context.Context, env cli.Env, client kubernetes.Interface, on bool,
	watch func(context.Context, cli.Env, kubernetes.Interface) error) error {
	if !on {
		return watch(ctx, env, client)
	}
	ctrl, err := rollout.NewController(client, rollout.Config{})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restarting Deployments, StatefulSets and DaemonSets labelled %s=true when data they read changes\n", rollout.LabelOptIn)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := ctrl.Run(ctx)
		cancel() // a failed start stops the watch too
		done <- err
	}()
	werr := watch(ctx, env, client)
	cancel()
	if err := <-done; err != nil {
		return err
	}
	return werr
}
