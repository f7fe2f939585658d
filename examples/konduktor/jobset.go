package main

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// kinds inject --kind prints.
const kindPod, kindJob, kindJobSet = "pod", "job", "jobset"

// indexedJob is the Job of Konduktor's one replicated job: nodes pods, one per node, each
// told its rank by the completion index.
func indexedJob(pod *corev1.Pod, nodes int) *batchv1.Job {
	n := int32(nodes)
	zero := int32(0)
	mode := batchv1.IndexedCompletion
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, Labels: pod.Labels},
		Spec: batchv1.JobSpec{
			Parallelism:    &n,
			Completions:    &n,
			BackoffLimit:   &zero,
			CompletionMode: &mode,
			Template:       corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels}, Spec: pod.Spec},
		},
	}
}

// jobSet is the JobSet `konduktor launch` submits for a task of nodes nodes, as an unstructured
// object (no JobSet Go types needed): one replicated job, the Indexed Job above.
func jobSet(pod *corev1.Pod, nodes int) (*unstructured.Unstructured, error) {
	job, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&indexedJob(pod, nodes).Spec)
	if err != nil {
		return nil, err
	}
	labels := make(map[string]any, len(pod.Labels))
	for k, v := range pod.Labels {
		labels[k] = v
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "jobset.x-k8s.io/v1alpha2",
		"kind":       "JobSet",
		"metadata":   map[string]any{"name": pod.Name, "namespace": pod.Namespace, "labels": labels},
		"spec": map[string]any{
			"failurePolicy": map[string]any{"maxRestarts": int64(0)},
			"replicatedJobs": []any{map[string]any{
				"name":     "workers",
				"replicas": int64(1),
				"template": map[string]any{"spec": job},
			}},
		},
	}}, nil
}
