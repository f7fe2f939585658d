package inject

import (
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// manyRefs returns n refs of one delivery, all reaching the one container of manyPod: the
// shape of a single hostile pod annotation (about 12k refs fit in 256 KiB).
func manyRefs(as secretspec.Delivery, n int) []secretspec.Ref {
	refs := make([]secretspec.Ref, n)
	for i := range refs {
		s := strconv.Itoa(i)
		switch as {
		case secretspec.Env:
			refs[i] = secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "V_" + s}
		case secretspec.EnvFrom:
			refs[i] = secretspec.Ref{Secret: "s" + s, As: secretspec.EnvFrom}
		case secretspec.Mount:
			refs[i] = secretspec.Ref{Secret: "s" + s, As: secretspec.Mount, MountPath: "/m/" + s}
		case mountKeys:
			refs[i] = secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: "/m", Key: "k" + s}
		case secretspec.PullSecret:
			refs[i] = secretspec.Ref{Secret: "s" + s, As: secretspec.PullSecret}
		}
	}
	return refs
}

// mountKeys stands for Mount refs that all mount one Secret at one path, each a key of
// its own: one volume whose item list every ref extends.
const mountKeys secretspec.Delivery = "mountKeys"

func manyPod() *corev1.PodSpec {
	return &corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox"}}}
}

// BenchmarkApplyManyRefs measures Apply on one container with 1k, 4k and 16k refs of each
// delivery; ns/op, B/op and allocs/op should grow about 4x per step (TestApplyLinear
// checks the allocations). On the 2-core review machine (noisy, -benchtime=3x), before
// the lookups were indexed, at 1k/4k/16k: env 9.5/48/792 ms, envFrom 2.0/22/381 ms,
// mount 6.4/85/1583 ms, pull 1.2/27/330 ms, mountKeys 2.1 s/93 s/not run; after:
// env 4.2/10/32 ms, envFrom 0.24/3.4/28 ms, mount 2.1/9.9/100 ms (47 ms at 10x),
// mountKeys 2.0/8.1/54 ms, pull 0.18/1.2/13 ms.
func BenchmarkApplyManyRefs(b *testing.B) {
	for _, as := range []secretspec.Delivery{secretspec.Env, secretspec.EnvFrom, secretspec.Mount, mountKeys, secretspec.PullSecret} {
		for _, n := range []int{1000, 4000, 16000} {
			b.Run(string(as)+"/"+strconv.Itoa(n), func(b *testing.B) {
				spec, refs := manyPod(), manyRefs(as, n)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Apply(spec, refs); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// manyExtras returns one Extras with n fetcher init containers, n variables and one volume
// (the shape of a Flyte AWS or GCP plan with n requests), and a ref naming a container.
func manyExtras(n int) secretspec.Extras {
	x := secretspec.Extras{Volumes: []corev1.Volume{{Name: "fetched", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}}
	for i := range n {
		s := strconv.Itoa(i)
		x.Env = append(x.Env, corev1.EnvVar{Name: "V_" + s, Value: s})
		x.InitContainers = append(x.InitContainers, corev1.Container{Name: "fetch-" + s, Image: "fetcher",
			VolumeMounts: []corev1.VolumeMount{{Name: "fetched", MountPath: "/out"}}})
	}
	return x
}

// BenchmarkApplyManyExtras measures Apply with one Extras of 1k, 4k and 16k fetchers and
// variables, first on a pod without them and then on its own output (every fetcher found).
func BenchmarkApplyManyExtras(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		spec, opt := manyPod(), WithExtras(manyExtras(n))
		refs := []secretspec.Ref{{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "S", Containers: []string{"main"}}}
		once, err := Apply(spec, refs, opt)
		if err != nil {
			b.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			spec *corev1.PodSpec
		}{{"new", spec}, {"again", once}} {
			b.Run(tc.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Apply(tc.spec, refs, opt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
