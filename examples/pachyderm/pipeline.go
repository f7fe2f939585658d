package main

import (
	"context"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
)

// userContainer is the name of the container of a Pachyderm worker that runs the
// transform's code, the one that receives the secrets.
const userContainer = "user"

// spec is the part of a pipeline spec this command shows besides the secrets.
type spec struct {
	Pipeline struct {
		Name string `json:"name"`
	} `json:"pipeline"`
	Transform struct {
		Image string   `json:"image"`
		Cmd   []string `json:"cmd"`
	} `json:"transform"`
}

// pipeline prints the worker PodSpec's secret parts for a pipeline spec.
func pipeline(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "pipeline")
	file := fs.String("f", "", "pipeline spec, JSON or YAML (required)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(pos) > 0 {
		return cli.Usagef("pipeline: want -f spec.json and no arguments")
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	refs, err := pachyderm.ParseTransform(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	var s spec
	if err := yaml.Unmarshal(data, &s); err != nil {
		// ParseTransform has read the file already, so this is only a field of the wrong type.
		return fmt.Errorf("%s: pipeline.name, transform.image or transform.cmd has the wrong type", *file)
	}
	toUserContainer(refs) // secrets go to the user container only; image pull secrets are the pod's
	podSpec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name:    userContainer,
		Image:   s.Transform.Image,
		Command: s.Transform.Cmd,
	}}}
	out, err := inject.Apply(podSpec, refs)
	if err != nil {
		return err
	}
	name := s.Pipeline.Name
	if name == "" {
		name = "(transform only)"
	}
	fmt.Fprintf(env.Stdout, "# pipeline %s: %d secret reference(s)\n", name, len(refs))
	for _, r := range refs {
		fmt.Fprintf(env.Stdout, "#   %s\n", r)
	}
	fmt.Fprintln(env.Stdout, "# worker PodSpec, secret parts:")
	return cli.PrintYAML(env.Stdout, out)
}
