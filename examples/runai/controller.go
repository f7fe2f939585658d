package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// The Leases of the copier's two controllers, in --lease-namespace. deploy/role-leases.yaml
// grants get and update on exactly these names.
const (
	copierLease  = "podsecrets-runai-copier"
	rolloutLease = "podsecrets-runai-rollout"
)

// reportingController names the copier in the Events it records.
const reportingController = "podsecrets.io/runai-copier"

// controllerFlags are the flags of the long-running copier: secret watch, and secret set
// --watch.
type controllerFlags struct {
	restart        bool   // --restart-on-rotation
	leaderElect    bool   // --leader-elect
	leaseNamespace string // --lease-namespace
	identity       string // --identity
	events         bool   // --events
	verbosity      int    // -v
}

// register adds the copier's flags to fs.
func (f *controllerFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.restart, "restart-on-rotation", false, restartFlagUsage)
	fs.BoolVar(&f.leaderElect, "leader-elect", false,
		"work only while holding the Leases "+copierLease+" and "+rolloutLease+" in --lease-namespace, so that several replicas can run")
	fs.StringVar(&f.leaseNamespace, "lease-namespace", runai.ClusterWideNamespace, "namespace of the Leases, with --leader-elect")
	fs.StringVar(&f.identity, "identity", "", "this replica's name in the Leases, with --leader-elect (default: the host name, which is the pod's name)")
	fs.BoolVar(&f.events, "events", true, "record Kubernetes Events: on a cluster-wide Secret for a copy that conflicts, fails or is pruned; on a workload restarted")
	fs.IntVar(&f.verbosity, "v", 0, "log verbosity on standard error: 0 what changed and what went wrong, 1 every sync, 2 every write")
}

// runControllers keeps every cluster-wide Secret in sync and, with --restart-on-rotation,
// restarts the workloads that read their copies, until ctx ends; the first error to start
// stops both. Logs go to env.Stderr.
func runControllers(ctx context.Context, env cli.Env, client kubernetes.Interface, f controllerFlags) error {
	log := newLogger(env.Stderr, f.verbosity)
	ctx = logr.NewContext(ctx, log)
	identity := f.identity
	if f.leaderElect && identity == "" {
		host, err := os.Hostname()
		if err != nil {
			return fmt.Errorf("--identity not given, and no host name: %w", err)
		}
		identity = host
	}
	var recorder events.EventRecorder
	if f.events {
		broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: client.EventsV1()})
		if err := broadcaster.StartRecordingToSinkWithContext(ctx); err != nil {
			return fmt.Errorf("recording Events: %w", err)
		}
		defer broadcaster.Shutdown()
		recorder = broadcaster.NewRecorder(scheme.Scheme, reportingController)
	}

	copier := propagate.RunAIConfig()
	copier.Events = recorder
	copier.OnSync = func(_ context.Context, s propagate.SyncOutcome) { logSync(log, s) }
	if f.leaderElect {
		copier.LeaseName, copier.LeaseNamespace, copier.Identity = copierLease, f.leaseNamespace, identity
	}
	copyCtrl, err := propagate.NewController(client, copier)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "watching Secrets in %s labelled %s=%s; copying into %s until interrupted\n",
		runai.ClusterWideNamespace, runai.ClusterWideLabel, runai.ClusterWideLabelValue, runai.ProjectNamespacePattern)
	watch := func(ctx context.Context) error { return copyCtrl.Run(ctx) }
	if f.restart {
		restarts := rollout.Config{Events: recorder, OnRoll: func(_ context.Context, r rollout.Roll) { logRoll(log, r) }}
		if f.leaderElect {
			restarts.LeaseName, restarts.LeaseNamespace, restarts.Identity = rolloutLease, f.leaseNamespace, identity
		}
		watch, err = withRestartOnRotation(env, client, restarts, watch)
		if err != nil {
			return err
		}
	}
	if err := watch(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "stopped")
	return nil
}

// newLogger logs to w as key=value text, up to verbosity.
func newLogger(w io.Writer, verbosity int) logr.Logger {
	if w == nil {
		return logr.Discard()
	}
	return funcr.New(func(prefix, args string) { fmt.Fprintln(w, args) }, funcr.Options{Verbosity: verbosity})
}

// logSync is the copier's OnSync: what a Sync or Remove did. A program would count these in
// its metrics; this one logs the runs that changed something or failed, and the others at
// -v 1.
func logSync(log logr.Logger, s propagate.SyncOutcome) {
	what := "synced"
	if s.Remove {
		what = "removed copies"
	}
	if s.Report == nil {
		log.Info(what+": not started", "source", s.Source.String(), "error", fmt.Sprint(s.Err))
		return
	}
	level := 1
	if s.Err != nil || s.Report.Count(propagate.Unchanged) < len(s.Report.Results) {
		level = 0
	}
	log.V(level).Info(what, "source", s.Source.String(), "summary", s.Report.Summary(), "took", s.Duration.String())
}

// logRoll is the restarts' OnRoll: a workload restarted, with the Secrets and keys that changed.
func logRoll(log logr.Logger, r rollout.Roll) {
	var changed []string
	for _, s := range r.Secrets {
		changed = append(changed, s.Name)
	}
	if r.Err != nil {
		log.Info("restart failed; retrying", "workload", r.Kind+" "+r.Namespace+"/"+r.Name, "error", r.Err.Error())
		return
	}
	log.V(1).Info("restarted", "workload", r.Kind+" "+r.Namespace+"/"+r.Name, "secrets", changed)
}
