package main

import (
	"context"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
)

// userContainer is the name of the container of a Pachyderm worker that runs the
// transform's code, the one that receives the secrets.
const userContainer = "user"

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
	p, err := pachyderm.ParsePipeline(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	refs := p.Refs
	toUserContainer(refs) // secrets go to the user container only; image pull secrets are the pod's
	podSpec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name:    userContainer,
		Image:   p.Image,
		Command: p.Cmd,
	}}}
	out, err := inject.Apply(podSpec, refs, userEnv(p))
	if err != nil {
		return err
	}
	name := p.Name
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
