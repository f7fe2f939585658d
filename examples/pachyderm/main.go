// Pachyderm is a small pachctl-style CLI built on podsecrets: it shows what a pipeline's
// transform.secrets and image_pull_secrets do to the worker pod, and manages the Secrets
// pipelines use, as `pachctl create|list|inspect|delete secret` do.
//
// Usage:
//
//	pachyderm pipeline -f spec.json                       the worker PodSpec's secret parts
//	pachyderm worker -f spec.json [--kind deployment|replicationcontroller]  the whole worker, with its secrets
//	pachyderm create secret -f secret.json [cluster flags]  validate a manifest and create it
//	pachyderm list secret [cluster flags]                   NAME, TYPE and keys of every pipeline Secret
//	pachyderm inspect secret NAME [cluster flags]           one Secret's keys and sizes (never values)
//	pachyderm delete secret NAME [cluster flags]
//
// pipeline reads a pipeline spec (or only its transform), JSON or YAML, once with
// secretspec/pachyderm.ParsePipeline and prints the "user" container (its image, cmd and the
// transform's env) and the pod fields the references produce (inject.Apply): env vars from
// secretKeyRefs, secret volumes
// with valid, unique names (Pachyderm names a volume after the raw secret name, which
// breaks for a name with '.'), and imagePullSecrets. It needs no cluster. Try it with
// the spec from Pachyderm's documentation:
//
//	go run ./examples/pachyderm pipeline -f examples/pachyderm/testdata/mnist.json
//
// create secret accepts the manifest `kubectl create secret ... --dry-run=client -o json`
// writes (or YAML): data base64, stringData plain (encode.Decode), checks it as the API
// server would (encode.Validate) and creates it labelled secret-source=pachyderm-user,
// as pachctl does; list, inspect and delete only see Secrets with that label.
//
// Cluster flags: --namespace (default "default"); --kubeconfig FILE talks to that
// cluster; in a pod the in-cluster config is used; otherwise, or with --fake, an
// in-memory cluster that --state FILE can seed with manifests.
package main

import (
	"context"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
)

func main() { cli.Main("pachyderm", run) }

// run dispatches args to a command.
func run(ctx context.Context, env cli.Env, args []string) error {
	return cli.Dispatch(ctx, env, "pachyderm", []cli.Command{
		{Name: "pipeline", Summary: "print the worker PodSpec's secret parts for a pipeline spec", Run: pipeline},
		{Name: "worker", Summary: "print a pipeline's worker Deployment (or ReplicationController) with its secrets", Run: worker},
		{Name: "create secret", Summary: "validate a Secret manifest and create it", Run: createSecret},
		{Name: "list secret", Summary: "list the Secrets pipelines can use", Run: listSecret},
		{Name: "inspect secret", Summary: "show one Secret's type, keys and sizes", Run: inspectSecret},
		{Name: "delete secret", Summary: "delete a Secret", Run: deleteSecret},
	}, args)
}
