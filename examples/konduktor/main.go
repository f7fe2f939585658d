// Konduktor is a small Konduktor-style CLI built on podsecrets: users create, list and
// delete their own secrets, and their workloads receive them as files, environment
// variables or a git SSH key. It does what Konduktor's `konduktor secret` commands do
// (konduktor/cli.py), with the differences listed below.
//
// Usage:
//
//	konduktor secret create [--kind=default|env|git-ssh] (--from-file F | --from-directory D | --inline K=V...) NAME
//	konduktor secret list [-u|--all-users]
//	konduktor secret delete NAME
//	konduktor inject -f task.yaml [--kind pod|job|jobset] [--num-nodes N] [--env K=V...]
//
// Every command takes --user (default $KONDUKTOR_USER, else $USER), the owner id, which must
// be a DNS-1123 label (lower-case letters, digits, '-').
//
// secret create: NAME is lower-case letters, digits and '-' (no dots). The Secret is
// "<NAME>-<user>", type Opaque, labelled parent=konduktor, trainy.ai/secret-owner,
// trainy.ai/secret-basename and trainy.ai/secret-kind. Exactly one source: --from-file (the
// key is the file's base name; kind git-ssh stores it as "gitkey"), --from-directory (kind
// default: the directory kept whole under its own name, see below), --inline KEY=VALUE. Kind
// env takes --inline only, kind git-ssh --from-file only. A leading "~/" in a path is $HOME.
//
// A directory is walked as Konduktor walks it: every regular file, dotfiles included, but
// not .DS_Store; a symlink is followed wherever it points (inside the directory or out, to
// a file or a folder); folders with no file are dropped; devices, pipes and sockets are
// skipped. An entry is refused only when it cannot be read (no permission, a dangling
// symlink, a symlink leading back to itself) or when a symlink leads into a folder that
// contains it (a directory cycle). A directory with no file to store is refused.
//
// Creating a secret whose name the user already has patches it, as Konduktor does: keys
// merge and the new value of a key wins; the labels are rewritten, so the kind becomes the
// new one (a different kind is no error). A directory replaces every file of the directory
// stored before (Konduktor overwrites its one zip: no stale file survives); files and
// inline keys stay beside it, so a file and a directory under one name are both there.
// Creating a git-ssh secret first deletes the user's git-ssh secrets, whatever their names
// (a user has one), so rotating the key from another file leaves one key.
//
// secret list shows the user's secrets (NAME, KIND, KEYS; a Secret of Konduktor's own
// without a kind shows "(none)"); -u/--all-users every Konduktor secret of the namespace
// with its OWNER. secret delete NAME deletes the user's secret of that name; another user's
// is never touched.
//
// inject reads a Konduktor task (name, num_nodes, resources.image_id, run, envs) and prints
// what it runs as, with the user's secrets (konduktor.Refs): the Pod, the Indexed Job of one
// replicated job (--kind job) or the JobSet `konduktor launch` submits (--kind jobset,
// unstructured). Default secrets are under $KONDUKTOR_DEFAULT_SECRETS/<NAME>/, env secrets
// are variables, the git-ssh key is wired through GIT_SSH_COMMAND, all in the task container
// only. Variables follow Konduktor's precedence: the template's < env secrets < the task's
// envs < --env.
//
// Deliberate differences from Konduktor: a directory is stored as real files (encode's tree
// keys and annotation) instead of one zip; the owner id is --user, not a hash of user and
// machine; --inline may be given several times (Konduktor keeps the last); a Secret of the
// secret's name that is not the user's Konduktor secret is refused, never patched; a
// directory holding nothing but .DS_Store files counts as empty; a patch that would leave a
// file where the directory stored under the same name has a folder is refused (Konduktor's
// unzip would fail in the pod); every git-ssh secret of the user is deleted, not just the
// first found.
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
