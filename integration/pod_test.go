package integration

import (
	"context"
	"testing"

	"github.com/podsecrets/podsecrets/secretspec"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// dryRunAll asks the server to validate and admit an object without storing it.
var dryRunAll = metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}

// consumerPod returns a pod that consumes Secret name in every way a Ref can
// deliver it: a secret volume (at the GitSSH defaults, mode 0400), one env
// var from a key, every key with a prefix, and an image pull secret.
func consumerPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "consumer"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:  "main",
				Image: "registry.example/app:1",
				Env: []corev1.EnvVar{{
					Name: "TOKEN",
					ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
						LocalObjectReference: corev1.LocalObjectReference{Name: name},
						Key:                  "token",
					}},
				}},
				EnvFrom: []corev1.EnvFromSource{{
					Prefix:    "APP_",
					SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Optional: ptr.To(true)},
				}},
				VolumeMounts: []corev1.VolumeMount{{Name: "git-ssh", MountPath: secretspec.DefaultGitSSHPath, ReadOnly: true}},
			}},
			Volumes: []corev1.Volume{{
				Name: "git-ssh",
				VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
					SecretName: name,
					Items:      []corev1.KeyToPath{{Key: secretspec.DefaultGitSSHKey, Path: secretspec.DefaultGitSSHKey}},
					// 0400
					DefaultMode: ptr.To[int32](0o400),
				}},
			}},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: name}},
		},
	}
}

// testPodDryRun proves that a pod consuming a Secret in every supported way is
// accepted by server-side dry run, and that an invalid one is rejected, so the
// harness can fail.
func testPodDryRun(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	pods := c.client.CoreV1().Pods(ns)

	t.Run("Accepted", func(t *testing.T) {
		if _, err := pods.Create(ctx, consumerPod("creds"), dryRunAll); err != nil {
			t.Fatalf("dry-run create: %v", err)
		}
		// Dry run stores nothing.
		if _, err := pods.Get(ctx, "consumer", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after dry run: got %v, want NotFound", err)
		}
	})

	t.Run("InvalidVolumeNameRejected", func(t *testing.T) {
		pod := consumerPod("creds")
		pod.Spec.Volumes[0].Name = "Not_A_DNS_Label"
		pod.Spec.Containers[0].VolumeMounts[0].Name = "Not_A_DNS_Label"
		_, err := pods.Create(ctx, pod, dryRunAll)
		if !apierrors.IsInvalid(err) {
			t.Fatalf("dry-run create: got %v, want an Invalid error", err)
		}
		if !hasCause(err, "spec.volumes[0].name") {
			t.Errorf("dry-run create: %v does not name spec.volumes[0].name", err)
		}
	})
}

// hasCause reports whether a status error lists a cause for field.
func hasCause(err error, field string) bool {
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Details == nil {
		return false
	}
	for _, cause := range status.Status().Details.Causes {
		if cause.Field == field {
			return true
		}
	}
	return false
}
