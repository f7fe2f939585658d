// Package cli holds the small pieces every podsecrets example program shares: subcommand
// dispatch over the standard flag package, the choice between a real and an in-memory
// cluster, and printing (YAML without noise, aligned tables, secret keys with sizes).
//
// A program lists its subcommands as Commands and hands its arguments to Dispatch:
//
//	return cli.Dispatch(ctx, env, "runai", []cli.Command{
//		{Name: "submit", Summary: "print the Pod of a workload", Run: submit},
//		{Name: "secret set", Summary: "label a Secret cluster-wide", Run: secretSet},
//	}, args)
//
// Each command parses its own flags with a flag.FlagSet made by NewFlagSet and Parse,
// which, unlike flag.FlagSet.Parse, accepts flags after positional arguments.
// ClusterFlags adds --kubeconfig, --fake and --state and picks the client: a fake
// clientset (seeded from a state file), a kubeconfig, the in-cluster config, or, with
// none of those available, an empty in-memory cluster.
//
// Nothing here prints a secret value: Secrets are shown by their keys and sizes.
package cli
