package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// task is the part of a Konduktor task this example uses.
type task struct {
	Name      string `json:"name"`
	Resources struct {
		ImageID string `json:"image_id"`
	} `json:"resources"`
	Run  string            `json:"run"`
	Envs map[string]string `json:"envs"`
}

// injectWorkload prints the Pod a task runs as, with the owner's secrets.
func injectWorkload(ctx context.Context, env cli.Env, args []string) error {
	var c common
	fs := cli.NewFlagSet(env, "inject")
	file := fs.String("f", "", "Konduktor task YAML (required)")
	kind := fs.String("kind", kindPod, "what to print: pod, or jobset (the JobSet konduktor launch submits)")
	nodes := fs.Int("num-nodes", 1, "jobset: number of nodes, one pod each")
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(pos) > 0 {
		return cli.Usagef("inject: want -f workload.yaml and no arguments")
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var t task
	if err := yaml.UnmarshalStrict(data, &t); err != nil {
		// The decoder's message may quote the file, which may hold secrets in envs.
		return fmt.Errorf("%s: not a task this example understands (name, resources.image_id, run, envs)", *file)
	}
	if t.Name == "" || t.Resources.ImageID == "" {
		return fmt.Errorf("%s: name and resources.image_id are required", *file)
	}
	secrets, err := ownerSecrets(ctx, client, c.namespace, owner)
	if err != nil {
		return err
	}
	refs, extras, err := konduktor.Refs(secrets, owner, "")
	if err != nil {
		return err
	}
	names := make([]string, 0, len(t.Envs))
	for k := range t.Envs {
		names = append(names, k)
	}
	sort.Strings(names)
	var envVars []corev1.EnvVar
	for _, k := range names {
		envVars = append(envVars, corev1.EnvVar{Name: k, Value: t.Envs[k]})
	}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      t.Name,
			Namespace: c.namespace,
			Labels:    map[string]string{"trainy.ai/user": owner},
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:    "konduktor-container",
				Image:   t.Resources.ImageID,
				Command: []string{"/bin/bash", "-c", t.Run},
				Env:     envVars,
			}},
		},
	}
	var out any
	switch *kind {
	case kindPod:
		out, err = inject.ApplyPod(pod, refs, inject.WithExtras(extras))
	case kindJobSet:
		out, err = jobSet(pod, *nodes, refs, inject.WithExtras(extras))
	default:
		err = cli.Usagef("inject: --kind %q: want %s or %s", *kind, kindPod, kindJobSet)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "# %d secret reference(s) of %s:\n", len(refs), owner)
	for _, r := range refs {
		fmt.Fprintf(env.Stdout, "#   %s\n", r)
	}
	return cli.PrintYAML(env.Stdout, out)
}
