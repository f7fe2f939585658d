package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// shutdownGrace is how long requests in flight may take once shutdown starts.
const shutdownGrace = 20 * time.Second

// flyteRefs is the webhook's admission.RefsFunc: the secrets a pod's Flyte annotations
// request, as refs and the plain variables flytekit needs beside them.
func flyteRefs(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
	secrets, err := flyte.DecodeAnnotations(pod.Annotations)
	if err != nil {
		return nil, secretspec.Extras{}, err
	}
	refs, env, err := flyte.Refs(secrets)
	return refs, secretspec.Extras{Env: env}, err
}

// conflictPolicies are the values of --conflict.
var conflictPolicies = map[string]inject.ConflictPolicy{
	"keep-existing": inject.ConflictKeepExisting,
	"override":      inject.ConflictOverride,
	"fail":          inject.ConflictFail,
}

// newMux routes /mutate to the admission handler and answers /healthz and /readyz;
// /readyz fails once ready is false.
func newMux(policy inject.ConflictPolicy, ready *atomic.Bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(mutatePath, admission.NewHandler(flyteRefs, inject.WithConflictPolicy(policy)))
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

// serve runs the webhook until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "serve")
	addr := fs.String("addr", ":8443", "address to listen on; 127.0.0.1:0 picks a free port")
	certPath := fs.String("cert", "tls.crt", "serving certificate (PEM)")
	keyPath := fs.String("key", "tls.key", "serving certificate's private key (PEM)")
	conflict := fs.String("conflict", "keep-existing", "when a pod already has an entry a secret needs: keep-existing (as Flyte), override, or fail (deny the pod)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	policy, ok := conflictPolicies[*conflict]
	if len(pos) > 0 || !ok {
		return cli.Usagef("serve: takes no arguments; --conflict is keep-existing, override or fail")
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
	srv := &http.Server{
		Handler:           newMux(policy, &ready),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
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
