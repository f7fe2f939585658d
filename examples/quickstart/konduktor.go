package main

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// konduktorOwner is the user whose workload the screen builds.
const konduktorOwner = "alice"

// showKonduktor builds the Secrets `konduktor secret create` stores (encode, owner labels) and
// reads the owner's as refs.
func showKonduktor(_ context.Context, w io.Writer) error {
	heading(w, "Konduktor: konduktor secret create --kind=...", "secretspec/konduktor")
	fmt.Fprintln(w, "input  the Secrets of `konduktor secret create` (encode.Generic, konduktor.Labels):")
	var secrets []corev1.Secret
	for _, k := range []struct{ basename, owner, kind, key, value string }{
		{"wandb", "alice", konduktor.KindDefault, "netrc", "machine api.wandb.ai password 0123456789abcdef"},
		{"hf", "alice", konduktor.KindEnv, "HF_TOKEN", "hf_alice_0123456789"},
		{"hf", "bob", konduktor.KindEnv, "HF_TOKEN", "hf_bob_9876543210"},
	} {
		name, err := konduktor.SecretName(k.basename, k.owner)
		if err != nil {
			return err
		}
		s, err := encode.Generic(name, encode.Literal(k.key, k.value))
		if err != nil {
			return err
		}
		if s.Labels, err = konduktor.Labels(k.basename, k.owner, k.kind); err != nil {
			return err
		}
		fmt.Fprintf(w, "         %-12s --kind=%-8s keys: %s\n", s.Name, k.kind, cli.Keys(s))
		secrets = append(secrets, *s)
	}
	refs, extras, err := konduktor.Refs(secrets, konduktorOwner, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "owner  %s (konduktor.Refs reads only the owner's Secrets, for Konduktor's %s)\n", konduktorOwner, konduktor.MainContainer)
	pod := smallPod()
	pod.Spec.Containers[0].Name = konduktor.MainContainer
	return showRefsOn(w, pod, refs, extras)
}
