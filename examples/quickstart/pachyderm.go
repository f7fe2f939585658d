package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
)

// pachydermSpec is a pipeline spec with secrets, a pull secret and plain variables.
const pachydermSpec = `pipeline: {name: train}
transform:
  image: python:3.12
  env: {EPOCHS: "10"}
  secrets:
  - {name: db, env_var: DB_PASSWORD, key: password}
  - {name: tls.certs, mount_path: /etc/tls}
  image_pull_secrets: [regcred]
`

// showPachyderm reads a pipeline spec once: its refs, its env, its name and image.
func showPachyderm(_ context.Context, w io.Writer) error {
	heading(w, "Pachyderm: a pipeline's transform.secrets", "secretspec/pachyderm")
	fmt.Fprintln(w, "input  pipeline spec (JSON or YAML):")
	for _, l := range strings.Split(strings.TrimSuffix(pachydermSpec, "\n"), "\n") {
		fmt.Fprintln(w, "         "+l)
	}
	p, err := pachyderm.ParsePipeline([]byte(pachydermSpec))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "pipeline %q, image %s (pachyderm.ParsePipeline)\n", p.Name, p.Image)
	return showRefs(w, p.Refs, secretspec.Extras{Env: p.Env})
}
