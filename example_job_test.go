package podsecrets_test

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Refs reach a Job (or a Deployment, a StatefulSet, ...) through its pod template: ApplyTemplate
// returns a new template, and the Job is left as it was. The README shows this code.
func Example_job() {
	ref, err := secretspec.Parse("env:DB_PASSWORD=db/password")
	if err != nil {
		fmt.Println(err)
		return
	}
	job := &batchv1.Job{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		Containers:    []corev1.Container{{Name: "train", Image: "python:3.12"}},
	}}}}
	tmpl, err := inject.ApplyTemplate(&job.Spec.Template, []secretspec.Ref{ref})
	if err != nil {
		fmt.Println(err)
		return
	}
	out := job.DeepCopy()
	out.Spec.Template = *tmpl
	env := out.Spec.Template.Spec.Containers[0].Env[0]
	fmt.Println(env.Name, "from secret", env.ValueFrom.SecretKeyRef.Name, "key", env.ValueFrom.SecretKeyRef.Key)
	fmt.Println("the original Job has", len(job.Spec.Template.Spec.Containers[0].Env), "variables")
	// Output:
	// DB_PASSWORD from secret db key password
	// the original Job has 0 variables
}
