package main

import (
	"context"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
)

// Pachyderm's worker images, at the release the example follows.
const (
	workerImage = "pachyderm/worker:2.11.0"
	pachdImage  = "pachyderm/pachd:2.11.0"
)

// worker prints a pipeline's worker, as pachd creates it, with the transform's secrets in
// its user container and its image pull secrets on the pod (inject.ApplyObject): a
// Deployment (--kind deployment, the default) or, as Pachyderm itself runs workers, a
// ReplicationController (--kind replicationcontroller).
func worker(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "worker")
	file := fs.String("f", "", "pipeline spec, JSON or YAML (required)")
	kind := fs.String("kind", "deployment", "deployment or replicationcontroller")
	namespace := fs.String("namespace", "default", "namespace of the worker")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(pos) > 0 {
		return cli.Usagef("worker: want -f spec.json and no arguments")
	}
	if *kind != "deployment" && *kind != "replicationcontroller" {
		return cli.Usagef("worker: --kind %q: want deployment or replicationcontroller", *kind)
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	p, err := pachyderm.ParsePipeline(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	if p.Name == "" {
		return fmt.Errorf("%s: a worker needs pipeline.name", *file)
	}
	refs := p.Refs
	toUserContainer(refs)
	out, err := inject.ApplyObject(workerObject(*kind, *namespace, p), refs, userEnv(p))
	if err != nil {
		return err
	}
	return cli.PrintYAML(env.Stdout, out)
}

// toUserContainer makes every ref but image pull secrets (the pod's) reach the user
// container only, as Pachyderm does.
func toUserContainer(refs []secretspec.Ref) {
	for i := range refs {
		if refs[i].As != secretspec.PullSecret {
			refs[i].Containers = []string{userContainer}
		}
	}
}

// userEnv gives the transform's own env (plain variables) to the user container only, not to
// pachd's init container or the storage sidecar.
func userEnv(p pachyderm.Pipeline) inject.Option {
	return inject.WithExtras(secretspec.Extras{Env: p.Env, Containers: []string{userContainer}})
}

// workerObject is the worker of pipeline p without secrets: pachd's init container, the user
// container running the transform under Pachyderm's worker binary, and the storage sidecar.
func workerObject(kind, namespace string, p pachyderm.Pipeline) runtime.Object {
	name := "pipeline-" + p.Name + "-v1"
	labels := map[string]string{"app": name, "component": "worker", "pipelineName": p.Name, "suite": "pachyderm"}
	meta := metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels}
	tpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Image: workerImage, Command: []string{"/app/init"},
				VolumeMounts: []corev1.VolumeMount{{Name: "pach-bin", MountPath: "/pach-bin"}}}},
			Containers: []corev1.Container{{
				Name: userContainer, Image: p.Image,
				Command:      []string{"/pach-bin/dumb-init", "/pach-bin/worker"},
				VolumeMounts: []corev1.VolumeMount{{Name: "pach-bin", MountPath: "/pach-bin"}},
			}, {
				Name: "storage", Image: pachdImage, Command: []string{"/pachd", "--mode", "sidecar"},
			}},
			Volumes: []corev1.Volume{{Name: "pach-bin", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
	one := int32(1)
	if kind == "replicationcontroller" {
		return &corev1.ReplicationController{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ReplicationController"},
			ObjectMeta: meta,
			Spec:       corev1.ReplicationControllerSpec{Replicas: &one, Selector: labels, Template: &tpl},
		}
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta,
		Spec:       appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tpl},
	}
}
