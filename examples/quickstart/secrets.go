package main

import (
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// builtSecrets are the Secrets of section 1 that later sections use.
type builtSecrets struct {
	registry  *corev1.Secret
	konduktor []corev1.Secret // what `konduktor secret create` would store for alice and bob
}

// buildSecrets builds a few Secrets with encode and prints their keys, sizes and hash
// suffixes, never their values.
func buildSecrets(w io.Writer) (builtSecrets, error) {
	heading(w, "1. Secrets (package encode)",
		"Built as `kubectl create secret` builds them; only keys and sizes are ever printed.\n"+
			"HASHED NAME is the name `--append-hash` gives (encode.Hash): it changes with the data.\n"+
			"The last three are Konduktor secrets (name <basename>-<owner>, owner labels) of alice and bob.")

	db, err := encode.Generic("db",
		encode.Literal("username", "trainer"),
		encode.Literal("password", "correct-horse-battery-staple"))
	if err != nil {
		return builtSecrets{}, err
	}
	appConfig, err := encode.Generic("app-config",
		encode.Literal("REGION", "eu-west-1"),
		encode.Literal("LOG_FORMAT", "json"))
	if err != nil {
		return builtSecrets{}, err
	}
	registry, err := encode.DockerRegistry("regcred", "registry.example.com", "ci-bot", "hunter2", "")
	if err != nil {
		return builtSecrets{}, err
	}
	api, err := encode.BasicAuth("api", "svc-trainer", "s3cr3t-token")
	if err != nil {
		return builtSecrets{}, err
	}

	var konduktorSecrets []corev1.Secret
	for _, k := range []struct{ basename, owner, kind, key, value string }{
		{"wandb", "alice", konduktor.KindDefault, "netrc", "machine api.wandb.ai login user password 0123456789abcdef"},
		{"hf", "alice", konduktor.KindEnv, "HF_TOKEN", "hf_alice_0123456789"},
		{"hf", "bob", konduktor.KindEnv, "HF_TOKEN", "hf_bob_9876543210"},
	} {
		name, err := konduktor.SecretName(k.basename, k.owner)
		if err != nil {
			return builtSecrets{}, err
		}
		s, err := encode.Generic(name, encode.Literal(k.key, k.value))
		if err != nil {
			return builtSecrets{}, err
		}
		if s.Labels, err = konduktor.Labels(k.basename, k.owner, k.kind); err != nil {
			return builtSecrets{}, err
		}
		konduktorSecrets = append(konduktorSecrets, *s)
	}

	tw := cli.Table(w)
	fmt.Fprintln(tw, "NAME\tTYPE\tKEYS\tHASHED NAME")
	all := []*corev1.Secret{db, appConfig, registry, api}
	for i := range konduktorSecrets {
		all = append(all, &konduktorSecrets[i])
	}
	for _, s := range all {
		typ := string(s.Type)
		if typ == "" {
			typ = `"" (read as Opaque)`
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, typ, cli.Keys(s), encode.WithHashSuffix(s).Name)
	}
	if err := tw.Flush(); err != nil {
		return builtSecrets{}, err
	}
	return builtSecrets{registry: registry, konduktor: konduktorSecrets}, nil
}
