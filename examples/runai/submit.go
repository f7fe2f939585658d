package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// defaultProject is the project submit uses without -p/--project. Run:ai takes it from
// `runai config project`; this example has no configuration, so it is fixed.
const defaultProject = "default"

// submit prints the Pod `runai submit` would create.
func submit(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "submit")
	var envs cli.StringList
	fs.Var(&envs, "e", "NAME=VALUE, or NAME=SECRET:secret,key to read the variable from a Secret (repeatable)")
	name := fs.String("name", "job", "workload name (the Pod and its container)")
	var image, project string
	fs.StringVar(&image, "image", "", "container image (required)")
	fs.StringVar(&image, "i", "", "short for --image")
	fs.StringVar(&project, "project", defaultProject, "Run:ai project; the Pod goes to namespace runai-<project>")
	fs.StringVar(&project, "p", defaultProject, "short for --project")
	kind := fs.String("kind", kindPod, "what to print: pod, or job (a batch/v1 Job running the Pod)")
	command, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if image == "" {
		return cli.Usagef("submit: -i/--image is required")
	}
	if project == "" {
		return cli.Usagef("submit: -p/--project must not be empty")
	}
	namespace, err := runai.ProjectNamespace(project)
	if err != nil {
		return cli.Usagef("%v", err) // "runai: project … gives namespace …"
	}
	refs, extras, err := runai.ParseEnvs(envs)
	if err != nil {
		return err
	}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      *name,
			Namespace: namespace,
			Labels:    map[string]string{"project": project},
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: *name, Image: image, Command: command}},
		},
	}
	out, err := workload(*kind, pod, refs, inject.WithExtras(extras))
	if err != nil {
		return err
	}
	return cli.PrintYAML(env.Stdout, out)
}
