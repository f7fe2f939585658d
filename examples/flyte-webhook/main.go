// Flyte-webhook is a mutating admission webhook in the Flyte model, built on
// inject/admission: pods labelled inject-flyte-secrets=true that carry Flyte's
// flyte.secrets/s0, s1, … annotations get the secrets those annotations request, as
// environment variables or files, through a JSON patch. A pod whose requests are
// invalid is denied with the reason, never admitted without its secrets.
//
// Usage:
//
//	flyte-webhook init-certs [--service flyte-pod-webhook] [--namespace flyte] [--out-dir DIR] [--secret NAME [cluster flags]]
//	flyte-webhook config (--url https://127.0.0.1:PORT/mutate | --service NAME --namespace NS) --ca-file ca.crt [--kinds pods,jobs,deployments,…|all] [--apply [cluster flags]]
//	flyte-webhook serve --cert tls.crt --key tls.key [--config propeller.yaml] [--global-dir /etc/secrets] [--addr :8443]
//	                    [--conflict keep-existing|override|fail] [--v 0|1]
//	                    [--check-secrets [--forbidden deny|warn] [cluster flags]]
//
// init-certs makes a self-signed CA and a serving certificate signed by it (ECDSA
// P-256) for the Service's DNS names <svc>, <svc>.<ns>, <svc>.<ns>.svc and for
// 127.0.0.1, and writes ca.crt, tls.crt and tls.key to --out-dir; with --secret it also
// stores them in a kubernetes.io/tls Secret, as Flyte's `webhook init-certs` job does.
//
// config prints the MutatingWebhookConfiguration (admissionregistration.k8s.io/v1) that
// sends pod CREATE requests with the label inject-flyte-secrets=true to the webhook, with
// failurePolicy Fail, sideEffects None and the CA bundle; --apply creates or updates it.
// --kinds adds workloads (podtemplates, replicationcontrollers, deployments, statefulsets,
// daemonsets, replicasets, jobs, cronjobs, or all), sent on CREATE and UPDATE: the secrets
// go into their pod templates, as the template's own annotations ask, so the pods they make
// already have them. The label selects the object the request is for, so a workload needs
// the label itself (its pods keep theirs and pass the webhook again, unchanged).
// The webhook is reached through a Service, or, with --url, at a URL such as a process
// on 127.0.0.1.
//
// serve takes Flyte's own webhook configuration with --config: a flytepropeller
// configuration file as it is (its webhook section is read, the other sections ignored) or
// the section alone (flyte.ParseConfig); without it, Flyte's defaults (the K8s manager).
// Every manager is served through flyte.Plan: K8s Secrets, Vault agent annotations, AWS,
// GCP and Azure fetcher init containers. A request is first looked up among the webhook's
// global secrets, as Flyte does: its own variable FLYTE_SECRET_<GROUP>_<KEY> (an empty one
// counts as unset), else the file <--global-dir>/<group>/<key>; a value found is written
// into the pod as the plain variable _FSEC_<GROUP>_<KEY>, in clear text (see SECURITY.md).
// A pod's own annotations win over the ones the Vault manager writes
// (flyte.KeepPodAnnotations).
//
// serve answers /mutate over TLS, /metrics (the decisions by outcome, stage and kind, their
// durations and warnings, in the Prometheus text format), and /healthz and /readyz (ready
// until shutdown starts). Denials are logged as JSON lines on standard error, every decision
// with --v 1; a denial names the pod's annotation ("annotation flyte.secrets/s2 (group "db",
// key "password")"). With --check-secrets it reads the Secrets a pod needs (through the
// cluster flags' client, so its service account needs get on secrets) before admitting a
// pod: Flyte's Kubernetes requests are optional (Flyte mounts them so), so a missing Secret
// or key comes back as an admission warning naming the annotation, which kubectl prints;
// a Secret it may not read denies (--forbidden deny) or admits with a warning (--forbidden
// warn). /metrics is written by the example
// itself (metrics.go), not with prometheus/client_golang, so the library's go.mod stays
// lean. Its first line on standard output is "listening on ADDR" (useful with
// --addr 127.0.0.1:0). It stops gracefully on SIGTERM or SIGINT, finishing the requests
// in flight. It keeps no state, so replicas scale horizontally behind one Service.
//
// A local round trip with a real API server:
//
//	flyte-webhook init-certs --out-dir /tmp/wh
//	flyte-webhook serve --addr 127.0.0.1:0 --cert /tmp/wh/tls.crt --key /tmp/wh/tls.key &   # prints the port
//	flyte-webhook config --url https://127.0.0.1:PORT/mutate --ca-file /tmp/wh/ca.crt | kubectl apply -f -
package main

import (
	"context"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
)

func main() { cli.Main("flyte-webhook", run) }

// run dispatches args to a command.
func run(ctx context.Context, env cli.Env, args []string) error {
	return cli.Dispatch(ctx, env, "flyte-webhook", []cli.Command{
		{Name: "init-certs", Summary: "make a CA and a serving certificate, write them to files (and a Secret)", Run: initCerts},
		{Name: "config", Summary: "print (or --apply) the MutatingWebhookConfiguration", Run: config},
		{Name: "serve", Summary: "serve /mutate, /healthz and /readyz over TLS", Run: serve},
	}, args)
}
