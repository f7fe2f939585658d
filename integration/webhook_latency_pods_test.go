package integration

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/integration/internal/noopwebhook"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// latencyRequests are every timed pod's Flyte secret requests: variables and files of two
// K8s Secrets.
var latencyRequests = []flyte.Secret{
	{Group: "aws", Key: "access_key_id", MountRequirement: flyte.MountEnvVar},
	{Group: "aws", Key: "secret_access_key", MountRequirement: flyte.MountEnvVar, EnvVar: "AWS_SECRET_ACCESS_KEY"},
	{Group: "db", Key: "password", MountRequirement: flyte.MountFile},
	{Group: "db", Key: "ca.crt", MountRequirement: flyte.MountFile, EnvVar: "DB_CA_FILE"},
}

// latencyPod is a Flyte task pod with latencyRequests in its annotations.
func latencyPod(t *testing.T, name string) *corev1.Pod {
	t.Helper()
	annotations, err := flyte.EncodeAnnotations(latencyRequests)
	if err != nil {
		t.Fatalf("EncodeAnnotations: %v", err)
	}
	resources := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Labels:      map[string]string{flyte.PodLabel: "true", "execution-id": "a7m2kx9", "node-id": "n0", "project": "flytesnacks", "domain": "development"},
			Annotations: annotations,
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:  "task",
				Image: "registry.example/flytekit:py3.11",
				Args:  []string{"pyflyte-execute", "--inputs", "s3://bucket/metadata/inputs.pb", "--output-prefix", "s3://bucket/metadata/n0/data/0"},
				Env: []corev1.EnvVar{
					{Name: "FLYTE_INTERNAL_EXECUTION_ID", Value: "a7m2kx9"},
					{Name: "FLYTE_INTERNAL_EXECUTION_PROJECT", Value: "flytesnacks"},
					{Name: "FLYTE_INTERNAL_EXECUTION_DOMAIN", Value: "development"},
					{Name: "FLYTE_ATTEMPT_NUMBER", Value: "0"},
				},
				Resources: corev1.ResourceRequirements{Requests: resources, Limits: resources},
			}},
		},
	}
}

// latencyProbe is a pod every target denies: the no-op by its name, a Flyte webhook by its
// malformed request.
func latencyProbe(t *testing.T) *corev1.Pod {
	p := latencyPod(t, noopwebhook.ProbeName)
	p.Annotations = map[string]string{"flyte.secrets/s0": "this is not base32!"}
	return p
}

// latencyWant is what a pod through a target must hold of what webhooks change: podsecrets'
// mutation of the Flyte requests, computed by the library, or the pod unchanged.
func latencyWant(t *testing.T, pod *corev1.Pod, mutates bool) *corev1.PodSpec {
	t.Helper()
	if !mutates {
		return &pod.Spec
	}
	refs, x, err := flyte.Plan(latencyRequests, flyte.DefaultConfig())
	if err != nil {
		t.Fatalf("flyte.Plan: %v", err)
	}
	want, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}, refs,
		inject.WithExtras(x), inject.WithConflictPolicy(inject.ConflictKeepExisting))
	if err != nil {
		t.Fatalf("inject.ApplyTemplate: %v", err)
	}
	return &want.Spec
}

// latencyPatch is podsecrets' JSON patch of every latencyPod (the same whatever its name).
func latencyPatch(t *testing.T) []byte {
	t.Helper()
	pod := latencyPod(t, "patch")
	want := pod.DeepCopy()
	want.Spec = *latencyWant(t, pod, true)
	patch, err := inject.Patch(pod, want)
	if err != nil {
		t.Fatalf("inject.Patch: %v", err)
	}
	return patch
}

// checkLatencyPod says how got, as the API server stored it, differs from want in what a
// webhook changes (variables, mounts, volumes; the server's defaults ignored); "" if not.
func checkLatencyPod(want *corev1.PodSpec, got *corev1.Pod) string {
	if len(got.Spec.Containers) != len(want.Containers) {
		return fmt.Sprintf("%d containers, want %d", len(got.Spec.Containers), len(want.Containers))
	}
	type changed struct {
		Env    [][]corev1.EnvVar
		Mounts [][]corev1.VolumeMount
		Vols   []corev1.Volume
	}
	view := func(s *corev1.PodSpec) changed {
		var v changed
		for _, c := range s.Containers {
			v.Env, v.Mounts = append(v.Env, c.Env), append(v.Mounts, c.VolumeMounts)
		}
		v.Vols = s.Volumes
		return v
	}
	return cmp.Diff(view(want), view(&got.Spec), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(corev1.SecretVolumeSource{}, "DefaultMode"))
}
