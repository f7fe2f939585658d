// Runai is a small Run:ai-style CLI built on podsecrets: it turns `runai submit -e` flags
// into a Pod that reads its secrets, and makes Secrets cluster-wide by propagating them
// from namespace runai into every project namespace runai-<project>.
//
// Usage:
//
//	runai submit -i|--image IMAGE [-p|--project P] [--name NAME] [--kind pod|job] [-e NAME=VALUE | -e NAME=SECRET:secret,key]... [-- COMMAND ARGS...]
//	runai secret set NAME --cluster-wide [--watch [--restart-on-rotation]] [--dry-run] [cluster flags]
//	runai secret remove NAME --cluster-wide [--dry-run] [cluster flags]
//	runai secret watch --cluster-wide [--restart-on-rotation] [--leader-elect] [controller flags] [cluster flags]
//
// submit prints the workload's Pod, in namespace runai-<project> (project "default" unless
// -p says otherwise), without a cluster: `-e NAME=SECRET:my-secret,username` becomes an env
// var read from the Secret's key, any other `-e` a plain variable (secretspec/runai.ParseEnvs,
// then inject.ApplyPod); with --kind job it prints a batch/v1 Job running that Pod instead
// (inject.ApplyObject). Run:ai's own example works as it is:
//
//	go run ./examples/runai submit -i ubuntu -e MYUSERNAME=SECRET:my-secret,username
//
// secret set labels Secret runai/NAME with runai/cluster-wide=true, as
// `runai-adm set secret NAME --cluster-wide` does, and copies it into every runai-*
// namespace once (propagate.Sync), printing what happened in each namespace. With
// --watch it then runs the propagate Controller until interrupted (Ctrl-C or SIGTERM),
// keeping the copies in sync as the Secret changes and projects appear. secret remove
// takes the label off and deletes the copies (propagate.Remove). secret watch is that
// controller alone, as deploy/ runs it in the cluster: it labels nothing, keeps every
// cluster-wide Secret in sync, and with --leader-elect works only while it holds its Leases
// (propagate.ControllerConfig and rollout.Config, one way); it records Kubernetes Events
// (--events, on by default) and logs what changed on standard error (-v for more).
//
// Cluster flags: --kubeconfig FILE talks to that cluster; in a pod the in-cluster config
// is used; otherwise, or with --fake, an in-memory cluster that --state FILE can seed
// with manifests (Namespaces, Secrets). --qps and --burst (default 50 and 100) limit the
// requests to a real cluster: with client-go's defaults, 5 and 10, filling 500 project
// namespaces takes 104 s instead of about 10 s. E.g.
//
//	go run ./examples/runai secret set regcred --cluster-wide --state examples/runai/testdata/cluster.yaml
package main

import (
	"context"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
)

func main() { cli.Main("runai", run) }

// run dispatches args to a command.
func run(ctx context.Context, env cli.Env, args []string) error {
	return cli.Dispatch(ctx, env, "runai", []cli.Command{
		{Name: "submit", Summary: "print the Pod of a workload, with its -e secrets", Run: submit},
		{Name: "secret set", Summary: "make a Secret of namespace runai cluster-wide and propagate it", Run: secretSet},
		{Name: "secret remove", Summary: "stop propagating a Secret and delete its copies", Run: secretRemove},
		{Name: "secret watch", Summary: "keep every cluster-wide Secret in sync (the in-cluster copier of deploy/)", Run: secretWatch},
	}, args)
}
