package main

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/rollout"
)

// restartFlagUsage is the help of --restart-on-rotation.
const restartFlagUsage = "with --watch, also restart workloads labelled " + rollout.LabelOptIn +
	"=true when a Secret they read changes (a rotated cluster-wide Secret reaches its copies, then their consumers)"

// withRestartOnRotation returns watch with the rollout controller (cfg) running beside it,
// until ctx ends; the first error stops both.
func withRestartOnRotation(env cli.Env, client kubernetes.Interface, cfg rollout.Config,
	watch func(context.Context) error) (func(context.Context) error, error) {
	ctrl, err := rollout.NewController(client, cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.Stdout, "restarting Deployments, StatefulSets and DaemonSets labelled %s=true when data they read changes\n", rollout.LabelOptIn)
	return func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			err := ctrl.Run(ctx)
			cancel() // a failed start stops the watch too
			done <- err
		}()
		werr := watch(ctx)
		cancel()
		if err := <-done; err != nil {
			return err
		}
		return werr
	}, nil
}
