package inject_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject"
)

// Uses reads back what a pod consumes, however it was written.
func ExampleUses() {
	spec := &corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "app",
			Env: []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "tls", MountPath: "/etc/tls"}},
		}},
		Volumes: []corev1.Volume{{Name: "tls", VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{SecretName: "tls"}}}},
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
	}
	for _, r := range inject.Uses(spec) {
		fmt.Println(r)
	}
	// Output:
	// env:DB_PASSWORD=db/password;containers=app
	// mount:/etc/tls=tls;containers=app
	// pull:registry
}
