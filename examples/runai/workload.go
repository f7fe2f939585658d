package main

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// kinds are what submit --kind prints.
const kindPod, kindJob = "pod", "job"

// workload wraps pod as the object submit --kind asks for (the Pod itself, or a Job whose
// template it is, as Run:ai runs a training workload) and wires the refs into it with
// inject.ApplyObject, which puts them in the Job's pod template.
func workload(kind string, pod *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) (runtime.Object, error) {
	var obj runtime.Object
	switch kind {
	case kindPod:
		obj = pod
	case kindJob:
		obj = &batchv1.Job{
			TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
			ObjectMeta: pod.ObjectMeta,
			Spec: batchv1.JobSpec{
				BackoffLimit: new(int32), // a failed training run is not retried
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels},
					Spec:       pod.Spec,
				},
			},
		}
	default:
		return nil, cli.Usagef("submit: --kind %q: want %s or %s", kind, kindPod, kindJob)
	}
	out, err := inject.ApplyObject(obj, refs, opts...)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	return out, nil
}
