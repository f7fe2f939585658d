package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// shutdownGrace is how long requests in flight may take once shutdown starts.
const shutdownGrace = 20 * time.Second

// loadConfig is the Flyte webhook configuration serve runs with: path's (a flytepropeller
// configuration file, or its webhook section), else Flyte's defaults; its global secrets
// are the webhook's own FLYTE_SECRET_<GROUP>_<KEY> variables (an empty one counts as unset)
// and the files <globalDir>/<group>/<key> ("" reads no files).
func loadConfig(env cli.Env, path, globalDir string) (flyte.Config, error) {
	cfg := flyte.DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return flyte.Config{}, err
		}
		if cfg, err = flyte.ParseConfig(data); err != nil {
			return flyte.Config{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	lookup := func(name string) (string, bool) {
		v := env.LookupEnv(name)
		return v, v != ""
	}
	var files fs.FS
	if globalDir != "" {
		files = os.DirFS(globalDir)
	}
	cfg.Global = flyte.GlobalSecrets(lookup, files)
	return cfg, nil
}

// parsePolicies reads --conflict and --forbidden.
func parsePolicies(conflict, forbidden string) (inject.ConflictPolicy, admission.ForbiddenPolicy, error) {
	var c inject.ConflictPolicy
	switch conflict {
	case "keep-existing":
		c = inject.ConflictKeepExisting
	case "override":
		c = inject.ConflictOverride
	case "fail":
		c = inject.ConflictFail
	default:
		return 0, 0, cli.Usagef("serve: --conflict is keep-existing, override or fail")
	}
	switch forbidden {
	case "deny":
		return c, admission.ForbiddenDeny, nil
	case "warn":
		return c, admission.ForbiddenWarn, nil
	}
	return 0, 0, cli.Usagef("serve: --forbidden is deny or warn")
}

// newWebhook is the admission handler: Flyte's requests, named by their annotations in
// denials, every decision counted in m; secrets, when not nil, checks the Secrets a pod
// needs before it is admitted.
func newWebhook(cfg flyte.Config, policy inject.ConflictPolicy, m *metrics, secrets func(ctx context.Context, namespace string) secretspec.SecretGetter, forbidden admission.ForbiddenPolicy) *admission.Webhook {
	return &admission.Webhook{
		Refs:       flyte.PodRefs(cfg), // refs and problems named by the pod's annotations
		Options:    []inject.Option{inject.WithConflictPolicy(policy)},
		Origin:     flyteOrigin,
		Secrets:    secrets,
		Forbidden:  forbidden,
		OnDecision: m.observe,
	}
}

// newMux routes /mutate to the admission handler, /metrics to its counters, and answers
// /healthz and /readyz; /readyz fails once ready is false.
func newMux(wh *admission.Webhook, m *metrics, ready *atomic.Bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(mutatePath, wh)
	mux.Handle("/metrics", m)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// newLogger writes JSON lines to w up to verbosity v (decisions: denials at 0, admissions
// at 1), one whole line per write whatever the concurrency.
func newLogger(w io.Writer, v int) logr.Logger {
	if w == nil {
		return logr.Discard()
	}
	var mu sync.Mutex
	return funcr.NewJSON(func(obj string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, obj)
	}, funcr.Options{Verbosity: v})
}

// serve runs the webhook until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "serve")
	var cluster cli.ClusterFlags
	cluster.Register(fs)
	addr := fs.String("addr", ":8443", "address to listen on; 127.0.0.1:0 picks a free port")
	certPath := fs.String("cert", "tls.crt", "serving certificate (PEM)")
	keyPath := fs.String("key", "tls.key", "serving certificate's private key (PEM)")
	configPath := fs.String("config", "", "Flyte's webhook configuration: a flytepropeller config file as it is, or its webhook section (default: Flyte's defaults, the K8s manager)")
	globalDir := fs.String("global-dir", flyte.GlobalDir, "directory of the webhook's global secret files <group>/<key>; empty reads none")
	conflict := fs.String("conflict", "keep-existing", "when a pod already has an entry a secret needs: keep-existing (as Flyte), override, or fail (deny the pod)")
	check := fs.Bool("check-secrets", false, "deny a pod whose Secrets or keys do not exist (reads them through the cluster flags' client)")
	forbidden := fs.String("forbidden", "deny", "with --check-secrets, a Secret the webhook may not read: deny the pod, or warn and admit it")
	verbosity := fs.Int("v", 0, "log verbosity on standard error: 0 logs denials, 1 every decision")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("serve: takes no arguments")
	}
	policy, fpolicy, err := parsePolicies(*conflict, *forbidden)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env, *configPath, *globalDir)
	if err != nil {
		return err
	}
	var secrets func(context.Context, string) secretspec.SecretGetter
	if *check {
		client, err := cluster.Client(env)
		if err != nil {
			return err
		}
		secrets = func(ctx context.Context, ns string) secretspec.SecretGetter {
			return preflight.FromClient(ctx, client, ns)
		}
	}
	cert, err := tls.LoadX509KeyPair(*certPath, *keyPath)
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var ready atomic.Bool
	ready.Store(true)
	m := newMetrics()
	base := logr.NewContext(context.WithoutCancel(ctx), newLogger(env.Stderr, *verbosity))
	srv := &http.Server{
		Handler:           newMux(newWebhook(cfg, policy, m, secrets, fpolicy), m, &ready),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	fmt.Fprintf(env.Stdout, "listening on %s\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	ready.Store(false)
	if env.Stderr != nil {
		fmt.Fprintln(env.Stderr, "shutting down: finishing requests in flight")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
