package inject

import (
	"math/rand"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// chooser picks numbers in [0, n): math/rand for property tests, fuzz bytes for FuzzApply.
type chooser interface{ intn(n int) int }

type randChooser struct{ r *rand.Rand }

func (c randChooser) intn(n int) int { return c.r.Intn(n) }

// byteChooser reads its choices from fuzz input; once the input is used up it picks 0.
type byteChooser struct{ b []byte }

func (c *byteChooser) intn(n int) int {
	if len(c.b) == 0 || n <= 1 {
		return 0
	}
	v := int(c.b[0])
	c.b = c.b[1:]
	return v % n
}

func pick[T any](c chooser, xs ...T) T { return xs[c.intn(len(xs))] }

// The vocabulary is small so that names collide often: that is where the rules are.
var (
	genSecrets    = []string{"db", "api.keys", "tls", "registry", "ssh"}
	genKeys       = []string{"password", "user", "token", "ca.crt"}
	genEnvNames   = []string{"DB_PASSWORD", "TOKEN", "USER", "X", "GIT_SSH_COMMAND"}
	genPaths      = []string{"/etc/a", "/etc/b", "/var/secret", "/etc/git-ssh"}
	genContainers = []string{"main", "side", "init"}
)

// genRef makes a ref; with invalid, it may also hold values validation must reject.
func genRef(c chooser, invalid bool) secretspec.Ref {
	r := secretspec.Ref{
		Secret:   pick(c, genSecrets...),
		As:       pick(c, secretspec.Env, secretspec.EnvFrom, secretspec.Mount, secretspec.PullSecret, secretspec.GitSSH),
		Optional: c.intn(3) == 0,
	}
	switch r.As {
	case secretspec.Env:
		r.Key, r.EnvVar = pick(c, genKeys...), pick(c, genEnvNames[:4]...)
	case secretspec.EnvFrom:
		r.Prefix = pick(c, "", "", "APP_", "DB_")
	case secretspec.Mount:
		r.MountPath = pick(c, genPaths[:3]...)
		switch c.intn(3) {
		case 0:
			r.Key = pick(c, genKeys...)
		case 1:
			for n := 1 + c.intn(3); n > 0; n-- {
				k := pick(c, genKeys...)
				it := corev1.KeyToPath{Key: k, Path: pick(c, k, "sub/"+k)}
				if c.intn(3) == 0 {
					it.Mode = pick(c, ptr[int32](0o400), ptr[int32](0o644))
				}
				r.Items = append(r.Items, it)
			}
		}
		if c.intn(2) == 0 {
			r.Mode = pick(c, ptr[int32](0o400), ptr[int32](0o440), ptr[int32](0o644))
		}
	case secretspec.GitSSH:
		if c.intn(2) == 0 {
			r.Key = "id_rsa"
		}
		if c.intn(2) == 0 {
			r.Items = []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}
		}
	}
	if c.intn(3) == 0 {
		for n := 1 + c.intn(2); n > 0; n-- {
			r.Containers = append(r.Containers, pick(c, "main", "main", "side", "init"))
		}
	}
	if invalid && c.intn(4) == 0 {
		switch c.intn(8) {
		case 0:
			r.Secret = pick(c, "", "Bad_Name", "a..b")
		case 1:
			r.EnvVar = pick(c, "", "A=B", "\x01")
		case 2:
			r.MountPath = pick(c, "relative", "/a/../b")
		case 3:
			r.Items = append(r.Items, corev1.KeyToPath{Key: "k", Path: pick(c, "../x", "/abs", "..")})
		case 4:
			r.Mode = pick(c, ptr[int32](-1), ptr[int32](0o1000))
		case 5:
			r.As = "carrier-pigeon"
		case 6:
			r.Containers = []string{pick(c, "nosuch", "debug")}
		case 7:
			r.Key = pick(c, "bad key", "..")
		}
	}
	return r
}

func genRefs(c chooser, invalid bool) []secretspec.Ref {
	n := c.intn(6)
	refs := make([]secretspec.Ref, 0, n)
	for i := 0; i < n; i++ {
		refs = append(refs, genRef(c, invalid))
	}
	return refs
}

// genPod makes a pod whose own entries sometimes collide with what refs want.
func genPod(c chooser) *corev1.Pod {
	pod := &corev1.Pod{}
	pod.Name = "p"
	pod.Namespace = "ns"
	if c.intn(2) == 0 {
		pod.Annotations = map[string]string{"flyte.secrets/s0": "x"}
	}
	names := genContainers[:1+c.intn(2)]
	for _, name := range names {
		pod.Spec.Containers = append(pod.Spec.Containers, genContainer(c, name))
	}
	if c.intn(2) == 0 {
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, genContainer(c, "init"))
	}
	if c.intn(4) == 0 {
		pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}
	}
	pod.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	for n := c.intn(3); n > 0; n-- {
		v := corev1.Volume{Name: pick(c, "cache", "db-0000000000", "tls-160645c34f")}
		if c.intn(2) == 0 {
			v.Secret = &corev1.SecretVolumeSource{SecretName: pick(c, genSecrets...)}
		} else {
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
		if !hasVolume(pod.Spec.Volumes, v.Name) {
			pod.Spec.Volumes = append(pod.Spec.Volumes, v)
		}
	}
	if c.intn(3) == 0 {
		pod.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: pick(c, genSecrets...)}}
	}
	return pod
}

func genContainer(c chooser, name string) corev1.Container {
	ct := corev1.Container{Name: name, Image: "busybox"}
	for n := c.intn(3); n > 0; n-- {
		e := corev1.EnvVar{Name: pick(c, genEnvNames...)}
		if c.intn(2) == 0 {
			e.Value = "literal-value-do-not-print"
		} else {
			e.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: pick(c, genSecrets...)}, Key: pick(c, genKeys...)}}
		}
		ct.Env = append(ct.Env, e)
	}
	if c.intn(3) == 0 {
		ct.EnvFrom = append(ct.EnvFrom, corev1.EnvFromSource{Prefix: pick(c, "", "APP_"),
			SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: pick(c, genSecrets...)}, Optional: pick(c, nil, ptr(true))}})
	}
	if c.intn(3) == 0 && len(ct.VolumeMounts) == 0 {
		ct.VolumeMounts = append(ct.VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: pick(c, genPaths...)})
	}
	return ct
}

func hasVolume(vs []corev1.Volume, name string) bool {
	for _, v := range vs {
		if v.Name == name {
			return true
		}
	}
	return false
}

func genPolicy(c chooser) []Option {
	var opts []Option
	switch c.intn(4) {
	case 1:
		opts = append(opts, WithConflictPolicy(ConflictKeepExisting))
	case 2:
		opts = append(opts, WithConflictPolicy(ConflictOverride))
	}
	if c.intn(3) == 0 {
		opts = append(opts, WithInitContainers(false))
	}
	if c.intn(3) == 0 {
		opts = append(opts, WithEnv(corev1.EnvVar{Name: pick(c, "MODE", "X", "USER"), Value: "plain"}))
	}
	return opts
}

func ptr[T any](v T) *T { return &v }

// genExtras makes zero to two Extras from a small vocabulary that collides with the pod's
// own entries, the refs' and each other; with invalid, they may also hold what validation
// must reject.
func genExtras(c chooser, invalid bool) []secretspec.Extras {
	var xs []secretspec.Extras
	for n := c.intn(3); n > 0; n-- {
		var x secretspec.Extras
		for k := c.intn(3); k > 0; k-- {
			x.Env = appendNew(x.Env, corev1.EnvVar{Name: pick(c, "MODE", "X", "USER", "TOKEN"), Value: pick(c, "plain", "literal-value-do-not-print")},
				func(e corev1.EnvVar) string { return e.Name })
		}
		if c.intn(2) == 0 {
			x.Volumes = append(x.Volumes, pick(c,
				corev1.Volume{Name: "fetched", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}},
				corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}},
				corev1.Volume{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}))
		}
		for k := c.intn(3); k > 0; k-- {
			vol := "data"
			if len(x.Volumes) > 0 {
				vol = pick(c, x.Volumes[0].Name, "data")
			}
			x.Mounts = appendNew(x.Mounts, corev1.VolumeMount{Name: vol, MountPath: pick(c, "/etc/fetched", "/etc/fetched", "/etc/a", "/var/secret"), ReadOnly: c.intn(2) == 0},
				func(m corev1.VolumeMount) string { return m.MountPath })
		}
		if c.intn(3) == 0 {
			x.Containers = []string{pick(c, "main", "side", "init")}
		}
		for k := c.intn(3); k > 0; k-- {
			f := corev1.Container{Name: pick(c, "fetch-a", "fetch-b"), Image: "fetcher", Args: []string{pick(c, "a", "b")}}
			if c.intn(2) == 0 {
				f.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/out"}}
			}
			x.InitContainers = appendNew(x.InitContainers, f, func(c corev1.Container) string { return c.Name })
		}
		if c.intn(2) == 0 {
			x.Annotations = map[string]string{pick(c, "flyte.secrets/s0", "vault.hashicorp.com/agent-inject"): pick(c, "x", "true")}
		}
		if invalid && c.intn(4) == 0 {
			switch c.intn(6) {
			case 0:
				x.Env = append(x.Env, corev1.EnvVar{Name: "A=B", Value: "literal-value-do-not-print"})
			case 1:
				x.Mounts = append(x.Mounts, corev1.VolumeMount{Name: "nosuch", MountPath: "relative"})
			case 2:
				x.Volumes = append(x.Volumes, corev1.Volume{Name: "Bad_Name"})
			case 3:
				x.InitContainers = append(x.InitContainers, corev1.Container{Name: "main"})
			case 4:
				x.Annotations = map[string]string{"bad key": "literal-value-do-not-print"}
			case 5:
				x.Containers = []string{"nosuch"}
			}
		}
		xs = append(xs, x)
	}
	return xs
}

// appendNew appends v to list unless an entry of its key is there.
func appendNew[T any](list []T, v T, key func(T) string) []T {
	for _, o := range list {
		if key(o) == key(v) {
			return list
		}
	}
	return append(list, v)
}

func extrasOptions(xs []secretspec.Extras) []Option {
	var opts []Option
	for _, x := range xs {
		opts = append(opts, WithExtras(x))
	}
	return opts
}

func deepCopyExtras(xs []secretspec.Extras) []secretspec.Extras {
	if xs == nil {
		return nil
	}
	out := make([]secretspec.Extras, len(xs))
	for i, x := range xs {
		o := secretspec.Extras{Containers: append([]string(nil), x.Containers...)}
		for _, e := range x.Env {
			o.Env = append(o.Env, *e.DeepCopy())
		}
		for _, m := range x.Mounts {
			o.Mounts = append(o.Mounts, *m.DeepCopy())
		}
		for _, v := range x.Volumes {
			o.Volumes = append(o.Volumes, *v.DeepCopy())
		}
		for _, c := range x.InitContainers {
			o.InitContainers = append(o.InitContainers, *c.DeepCopy())
		}
		if x.Annotations != nil {
			o.Annotations = map[string]string{}
			for k, v := range x.Annotations {
				o.Annotations[k] = v
			}
		}
		out[i] = o
	}
	return out
}
