package main

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// kinds inject --kind prints.
const kindPod, kindJobSet = "pod", "jobset"

// jobSet is the JobSet `konduktor launch` submits for a task of nodes nodes, one pod each, as
// an unstructured object (no JobSet Go types needed), with the refs wired into its pod
// template by inject.ApplyObject.
func jobSet(pod *corev1.Pod, nodes int, refs []secretspec.Ref, opts ...inject.Option) (*unstructured.Unstructured, error) {
	if nodes < 1 {
		return nil, cli.Usagef("inject: --num-nodes %d: want at least 1", nodes)
	}
	c := pod.Spec.Containers[0]
	env := make([]any, 0, len(c.Env))
	for _, e := range c.Env {
		env = append(env, map[string]any{"name": e.Name, "value": e.Value})
	}
	command := make([]any, 0, len(c.Command))
	for _, a := range c.Command {
		command = append(command, a)
	}
	container := map[string]any{"name": c.Name, "image": c.Image, "command": command}
	if len(env) > 0 {
		container["env"] = env
	}
	labels := func() map[string]any { // a map of its own for each place
		m := map[string]any{}
		for k, v := range pod.Labels {
			m[k] = v
		}
		return m
	}
	n := int64(nodes)
	js := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "jobset.x-k8s.io/v1alpha2",
		"kind":       "JobSet",
		"metadata":   map[string]any{"name": pod.Name, "namespace": pod.Namespace, "labels": labels()},
		"spec": map[string]any{
			"failurePolicy": map[string]any{"maxRestarts": int64(0)},
			"replicatedJobs": []any{map[string]any{
				"name":     "workers",
				"replicas": int64(1),
				"template": map[string]any{"spec": map[string]any{
					"parallelism":    n,
					"completions":    n,
					"backoffLimit":   int64(0),
					"completionMode": "Indexed",
					"template": map[string]any{
						"metadata": map[string]any{"labels": labels()},
						"spec": map[string]any{
							"restartPolicy": string(pod.Spec.RestartPolicy),
							"containers":    []any{container},
						},
					},
				}},
			}},
		},
	}}
	out, err := inject.ApplyObject(js, refs, opts...)
	if err != nil {
		return nil, err
	}
	return out.(*unstructured.Unstructured), nil
}
