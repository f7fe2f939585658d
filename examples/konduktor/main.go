// Konduktor is a small Konduktor-style CLI built on podsecrets: users create, list and
// delete their own secrets, and their workloads receive them as files, environment
// variables or a git SSH key.
//
// Usage:
//
//	konduktor secret create [--kind=default|env|git-ssh] (--from-file F | --from-directory D | --inline K=V...) NAME
//	konduktor secret list [--all-users|-u]
//	konduktor secret delete NAME
//	konduktor inject -f workload.yaml [--kind pod|jobset] [--num-nodes N]
//
// Every command takes --user (default $KONDUKTOR_USER, else $USER), which must be a
// DNS-1123 label (lower-case letters, digits, '-'): secrets are stored as Secret
// "<NAME>-<user>" labelled with their owner, basename and kind (secretspec/konduktor), so
// users never see or touch each other's. Creating a secret that exists merges the new
// keys in (encode.Merge). --from-directory keeps the directory's own name and its
// subfolders as real files (encode.Tree); kind env takes --inline only, kind git-ssh
// --from-file only and one per user.
//
// inject reads a Konduktor task (name, resources.image_id, run, envs) and prints the Pod
// it would run as, with the user's secrets (konduktor.Refs, inject.ApplyPod):
// default secrets under $KONDUKTOR_DEFAULT_SECRETS/<NAME>/, env secrets as variables,
// the git-ssh key wired through GIT_SSH_COMMAND. With --kind jobset it prints the JobSet
// `konduktor launch` submits instead, unstructured, its pod template wired the same way
// (inject.ApplyObject).
//
// Cluster flags: --namespace (default "default"); --kubeconfig FILE talks to that
// cluster; in a pod the in-cluster config is used; otherwise, or with --fake, an
// in-memory cluster that --state FILE can seed with manifests.
package main

import (
	"context"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
)

func main() { cli.Main("konduktor", run) }

// run dispatches args to a command.
func run(ctx context.Context, env cli.Env, args []string) error {
	return cli.Dispatch(ctx, env, "konduktor", []cli.Command{
		{Name: "secret create", Summary: "create a secret, or merge keys into an existing one", Run: secretCreate},
		{Name: "secret list", Summary: "list your secrets (--all-users: everyone's)", Run: secretList},
		{Name: "secret delete", Summary: "delete one of your secrets", Run: secretDelete},
		{Name: "inject", Summary: "print a workload's Pod with your secrets", Run: injectWorkload},
	}, args)
}
