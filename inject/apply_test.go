package inject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// Shorthands for building expected specs.

func secretEnv(name, secret, key string, optional bool) corev1.EnvVar {
	sel := &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}
	if optional {
		sel.Optional = ptr(true)
	}
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: sel}}
}

func secretVolume(name, secret string, items []corev1.KeyToPath, mode *int32, optional bool) corev1.Volume {
	s := &corev1.SecretVolumeSource{SecretName: secret, Items: items, DefaultMode: mode}
	if optional {
		s.Optional = ptr(true)
	}
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: s}}
}

func roMount(name, path string) corev1.VolumeMount {
	return corev1.VolumeMount{Name: name, ReadOnly: true, MountPath: path}
}

// vname is the volume name Apply gives a volume's content (salt 0).
func vname(secret string, items []corev1.KeyToPath, mode *int32, optional bool) string {
	var m int32
	if mode != nil {
		m = *mode
	}
	return volumeName(secret, volumeHash(secret, items, mode != nil, m, optional))
}

func onePod(cs ...corev1.Container) *corev1.PodSpec {
	return &corev1.PodSpec{Containers: cs}
}

func TestApply(t *testing.T) {
	dbItems := []corev1.KeyToPath{{Key: "password", Path: "password"}}
	sshItems := []corev1.KeyToPath{{Key: "ssh-privatekey", Path: "ssh-privatekey", Mode: ptr[int32](0o400)}}
	sshKH := []corev1.KeyToPath{{Key: "id_ed25519", Path: "id_ed25519", Mode: ptr[int32](0o400)}, {Key: "known_hosts", Path: "known_hosts"}}
	tests := []struct {
		name string
		spec *corev1.PodSpec
		refs []secretspec.Ref
		opts []Option
		want *corev1.PodSpec
	}{{
		name: "env, optional pointer only when optional",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{
			{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
			{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER", Optional: true},
		},
		want: onePod(corev1.Container{Name: "main", Env: []corev1.EnvVar{
			secretEnv("DB_PASSWORD", "db", "password", false), secretEnv("DB_USER", "db", "user", true)}}),
	}, {
		name: "envFrom with prefix, after the user's",
		spec: onePod(corev1.Container{Name: "main", EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}}}),
		refs: []secretspec.Ref{{Secret: "api", As: secretspec.EnvFrom, Prefix: "API_", Optional: true}},
		want: onePod(corev1.Container{Name: "main", EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
			{Prefix: "API_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}, Optional: ptr(true)}},
		}}),
	}, {
		name: "mount every key, mode, optional",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: ptr[int32](0o440), Optional: true}},
		want: &corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", VolumeMounts: []corev1.VolumeMount{roMount(vname("tls", nil, ptr[int32](0o440), true), "/etc/tls")}}},
			Volumes:    []corev1.Volume{secretVolume(vname("tls", nil, ptr[int32](0o440), true), "tls", nil, ptr[int32](0o440), true)},
		},
	}, {
		name: "mount items sorted, and refs of one Secret at one path merged",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{
			{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Items: []corev1.KeyToPath{{Key: "z", Path: "a/z"}, {Key: "b", Path: "b"}}},
			{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Key: "m"},
		},
		want: func() *corev1.PodSpec {
			items := []corev1.KeyToPath{{Key: "b", Path: "b"}, {Key: "m", Path: "m"}, {Key: "z", Path: "a/z"}}
			n := vname("cfg", items, nil, false)
			return &corev1.PodSpec{
				Containers: []corev1.Container{{Name: "main", VolumeMounts: []corev1.VolumeMount{roMount(n, "/etc/cfg")}}},
				Volumes:    []corev1.Volume{secretVolume(n, "cfg", items, nil, false)},
			}
		}(),
	}, {
		name: "one volume shared by containers, init containers included by default",
		spec: &corev1.PodSpec{InitContainers: []corev1.Container{{Name: "init"}}, Containers: []corev1.Container{{Name: "a"}, {Name: "b"}}},
		refs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, Key: "password", MountPath: "/s"}},
		want: func() *corev1.PodSpec {
			n := vname("db", dbItems, nil, false)
			m := []corev1.VolumeMount{roMount(n, "/s")}
			return &corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "init", VolumeMounts: m}},
				Containers:     []corev1.Container{{Name: "a", VolumeMounts: m}, {Name: "b", VolumeMounts: m}},
				Volumes:        []corev1.Volume{secretVolume(n, "db", dbItems, nil, false)},
			}
		}(),
	}, {
		name: "merges differ per container: one volume per content",
		spec: onePod(corev1.Container{Name: "a"}, corev1.Container{Name: "b"}),
		refs: []secretspec.Ref{
			{Secret: "db", As: secretspec.Mount, Key: "password", MountPath: "/s"},
			{Secret: "db", As: secretspec.Mount, Key: "user", MountPath: "/s", Containers: []string{"b"}},
		},
		want: func() *corev1.PodSpec {
			both := []corev1.KeyToPath{{Key: "password", Path: "password"}, {Key: "user", Path: "user"}}
			n1, n2 := vname("db", dbItems, nil, false), vname("db", both, nil, false)
			return &corev1.PodSpec{
				Containers: []corev1.Container{
					{Name: "a", VolumeMounts: []corev1.VolumeMount{roMount(n1, "/s")}},
					{Name: "b", VolumeMounts: []corev1.VolumeMount{roMount(n2, "/s")}},
				},
				Volumes: []corev1.Volume{secretVolume(n1, "db", dbItems, nil, false), secretVolume(n2, "db", both, nil, false)},
			}
		}(),
	}, {
		name: "containers select; WithInitContainers(false) spares init containers not named",
		spec: &corev1.PodSpec{InitContainers: []corev1.Container{{Name: "i1"}, {Name: "i2"}}, Containers: []corev1.Container{{Name: "a"}, {Name: "b"}},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}},
		refs: []secretspec.Ref{
			{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "ALL"},
			{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "ONLY", Containers: []string{"b", "i2"}},
		},
		opts: []Option{WithInitContainers(false)},
		want: &corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "i1"}, {Name: "i2", Env: []corev1.EnvVar{secretEnv("ONLY", "s", "k", false)}}},
			Containers: []corev1.Container{
				{Name: "a", Env: []corev1.EnvVar{secretEnv("ALL", "s", "k", false)}},
				{Name: "b", Env: []corev1.EnvVar{secretEnv("ALL", "s", "k", false), secretEnv("ONLY", "s", "k", false)}},
			},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}},
		},
	}, {
		name: "pull secrets de-duplicated, order kept",
		spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}, ImagePullSecrets: []corev1.LocalObjectReference{{Name: "b"}}},
		refs: []secretspec.Ref{{Secret: "c", As: secretspec.PullSecret}, {Secret: "b", As: secretspec.PullSecret}, {Secret: "a", As: secretspec.PullSecret}, {Secret: "c", As: secretspec.PullSecret}},
		want: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}, ImagePullSecrets: []corev1.LocalObjectReference{{Name: "b"}, {Name: "c"}, {Name: "a"}}},
	}, {
		name: "gitSSH defaults",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "git", As: secretspec.GitSSH}},
		want: func() *corev1.PodSpec {
			n := vname("git", sshItems, ptr[int32](0o400), false)
			return &corev1.PodSpec{
				Containers: []corev1.Container{{Name: "main",
					Env:          []corev1.EnvVar{{Name: "GIT_SSH_COMMAND", Value: "ssh -i /etc/git-ssh/ssh-privatekey -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"}},
					VolumeMounts: []corev1.VolumeMount{roMount(n, "/etc/git-ssh")}}},
				Volumes: []corev1.Volume{secretVolume(n, "git", sshItems, ptr[int32](0o400), false)},
			}
		}(),
	}, {
		name: "gitSSH with known_hosts is strict",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "git", As: secretspec.GitSSH, Key: "id_ed25519", MountPath: "/home/u/.ssh", Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}}},
		want: func() *corev1.PodSpec {
			n := vname("git", sshKH, ptr[int32](0o400), false)
			return &corev1.PodSpec{
				Containers: []corev1.Container{{Name: "main",
					Env:          []corev1.EnvVar{{Name: "GIT_SSH_COMMAND", Value: "ssh -i /home/u/.ssh/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=/home/u/.ssh/known_hosts -o StrictHostKeyChecking=yes"}},
					VolumeMounts: []corev1.VolumeMount{roMount(n, "/home/u/.ssh")}}},
				Volumes: []corev1.Volume{secretVolume(n, "git", sshKH, ptr[int32](0o400), false)},
			}
		}(),
	}, {
		name: "WithEnv after the refs' variables; identical existing entries are left alone",
		spec: onePod(corev1.Container{Name: "main", Env: []corev1.EnvVar{{Name: "MODE", Value: "prod"}, secretEnv("DB_PASSWORD", "db", "password", false)}}),
		refs: []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}, {Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"}},
		opts: []Option{WithEnv(corev1.EnvVar{Name: "A", Value: "1"}), WithEnv(corev1.EnvVar{Name: "MODE", Value: "prod"})},
		want: onePod(corev1.Container{Name: "main", Env: []corev1.EnvVar{
			{Name: "MODE", Value: "prod"}, secretEnv("DB_PASSWORD", "db", "password", false), secretEnv("DB_USER", "db", "user", false), {Name: "A", Value: "1"}}}),
	}, {
		name: "keep existing",
		spec: onePod(corev1.Container{Name: "main",
			Env:          []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}},
			EnvFrom:      []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/s"}}}),
		refs: []secretspec.Ref{
			{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
			{Secret: "api", As: secretspec.EnvFrom, Optional: true},
			{Secret: "db", As: secretspec.Mount, MountPath: "/s"},
		},
		opts: []Option{WithConflictPolicy(ConflictKeepExisting)},
		want: onePod(corev1.Container{Name: "main",
			Env:          []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}},
			EnvFrom:      []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/s"}}}),
	}, {
		name: "override in place",
		spec: onePod(corev1.Container{Name: "main",
			Env:          []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "DB_PASSWORD", Value: "hunter2"}, {Name: "Z", Value: "2"}},
			EnvFrom:      []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/s"}, {Name: "data", MountPath: "/t"}}}),
		refs: []secretspec.Ref{
			{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
			{Secret: "api", As: secretspec.EnvFrom, Optional: true},
			{Secret: "db", As: secretspec.Mount, MountPath: "/s"},
		},
		opts: []Option{WithConflictPolicy(ConflictOverride)},
		want: &corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main",
				Env:          []corev1.EnvVar{{Name: "A", Value: "1"}, secretEnv("DB_PASSWORD", "db", "password", false), {Name: "Z", Value: "2"}},
				EnvFrom:      []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}, Optional: ptr(true)}}},
				VolumeMounts: []corev1.VolumeMount{roMount(vname("db", nil, nil, false), "/s"), {Name: "data", MountPath: "/t"}}}},
			Volumes: []corev1.Volume{secretVolume(vname("db", nil, nil, false), "db", nil, nil, false)},
		},
	}, {
		name: "a user volume holding our name with other content: the next name is used",
		spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}},
			Volumes: []corev1.Volume{{Name: vname("db", nil, nil, false), VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}},
		refs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/s"}},
		want: func() *corev1.PodSpec {
			n := volumeName("db", saltHash(volumeHash("db", nil, false, 0, false), 1))
			return &corev1.PodSpec{
				Containers: []corev1.Container{{Name: "main", VolumeMounts: []corev1.VolumeMount{roMount(n, "/s")}}},
				Volumes: []corev1.Volume{{Name: vname("db", nil, nil, false), VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					secretVolume(n, "db", nil, nil, false)},
			}
		}(),
	}, {
		name: "an existing volume equal up to Kubernetes' defaults is reused",
		spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}},
			Volumes: []corev1.Volume{secretVolume(vname("db", nil, nil, false), "db", nil, ptr[int32](0o644), false)}},
		refs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/s"}},
		want: &corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", VolumeMounts: []corev1.VolumeMount{roMount(vname("db", nil, nil, false), "/s")}}},
			Volumes:    []corev1.Volume{secretVolume(vname("db", nil, nil, false), "db", nil, ptr[int32](0o644), false)},
		},
	}, {
		name: "refs for disjoint containers may use one path and one variable differently",
		spec: onePod(corev1.Container{Name: "a"}, corev1.Container{Name: "b"}),
		refs: []secretspec.Ref{
			{Secret: "x", As: secretspec.Mount, MountPath: "/s", Containers: []string{"a"}},
			{Secret: "y", As: secretspec.Mount, MountPath: "/s", Containers: []string{"b"}},
			{Secret: "x", Key: "k", As: secretspec.Env, EnvVar: "V", Containers: []string{"a"}},
			{Secret: "y", Key: "k", As: secretspec.Env, EnvVar: "V", Containers: []string{"b"}},
		},
		want: &corev1.PodSpec{
			Containers: []corev1.Container{
				{Name: "a", Env: []corev1.EnvVar{secretEnv("V", "x", "k", false)}, VolumeMounts: []corev1.VolumeMount{roMount(vname("x", nil, nil, false), "/s")}},
				{Name: "b", Env: []corev1.EnvVar{secretEnv("V", "y", "k", false)}, VolumeMounts: []corev1.VolumeMount{roMount(vname("y", nil, nil, false), "/s")}},
			},
			Volumes: []corev1.Volume{secretVolume(vname("x", nil, nil, false), "x", nil, nil, false), secretVolume(vname("y", nil, nil, false), "y", nil, nil, false)},
		},
	}, {
		name: "an envFrom of the same Secret with another prefix is no conflict",
		spec: onePod(corev1.Container{Name: "a", EnvFrom: []corev1.EnvFromSource{{Prefix: "A_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}}}}),
		refs: []secretspec.Ref{{Secret: "s", As: secretspec.EnvFrom, Prefix: "B_"}, {Secret: "s", As: secretspec.EnvFrom, Prefix: "A_"}},
		want: onePod(corev1.Container{Name: "a", EnvFrom: []corev1.EnvFromSource{
			{Prefix: "A_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}},
			{Prefix: "B_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}},
		}}),
	}, {
		name: "no refs: a copy",
		spec: onePod(corev1.Container{Name: "main", Image: "busybox"}),
		want: onePod(corev1.Container{Name: "main", Image: "busybox"}),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.spec.DeepCopy()
			got, err := Apply(tt.spec, tt.refs, tt.opts...)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.spec); diff != "" {
				t.Errorf("Apply modified its input (-before +after):\n%s", diff)
			}
			again, err := Apply(got, tt.refs, tt.opts...)
			if err != nil {
				t.Fatalf("Apply on its output: %v", err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("Apply is not idempotent (-once +twice):\n%s", diff)
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	userEnv := onePod(corev1.Container{Name: "main", Env: []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}}})
	tests := []struct {
		name string
		spec *corev1.PodSpec
		refs []secretspec.Ref
		opts []Option
		want []string // each must appear in the error
	}{{
		name: "env conflict names both sides, not the value",
		spec: userEnv,
		refs: []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}},
		want: []string{`spec.containers[0].env[0]`, `container "main" has env var "DB_PASSWORD" from a literal value`, `refs[0] wants it from key "password" of Secret "db"`},
	}, {
		name: "WithEnv conflict",
		spec: userEnv,
		opts: []Option{WithEnv(corev1.EnvVar{Name: "DB_PASSWORD", Value: "hunter3"})},
		want: []string{`spec.containers[0].env[0]`, `extras[0].env[0] wants it from a literal value`},
	}, {
		name: "envFrom conflict",
		spec: onePod(corev1.Container{Name: "main", EnvFrom: []corev1.EnvFromSource{{Prefix: "P_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}}}),
		refs: []secretspec.Ref{{Secret: "api", As: secretspec.EnvFrom, Prefix: "P_", Optional: true}},
		want: []string{`spec.containers[0].envFrom[0]`, `has envFrom Secret "api" with prefix "P_"`, `refs[0] wants envFrom Secret "api" (optional) with prefix "P_"`},
	}, {
		name: "mount path conflict",
		spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}, InitContainers: []corev1.Container{{Name: "init", VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/s"}}}}},
		refs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/s"}},
		want: []string{`spec.initContainers[0].volumeMounts[0]`, `container "init" mounts volume "data" (read-write) at "/s"`, `refs[0] wants Secret "db" (every key) there`},
	}, {
		name: "every conflict at once",
		spec: onePod(corev1.Container{Name: "a", Env: []corev1.EnvVar{{Name: "X", Value: "v"}}}, corev1.Container{Name: "b", Env: []corev1.EnvVar{{Name: "X", Value: "v"}}}),
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "X"}},
		want: []string{`spec.containers[0].env[0]`, `spec.containers[1].env[0]`},
	}, {
		name: "unknown and ephemeral container names",
		spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}},
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "X", Containers: []string{"main", "nosuch", "debug"}}},
		want: []string{`refs[0].containers[1]: Not found: "nosuch"`, `refs[0].containers[2]`, `ephemeral containers never receive secrets`},
	}, {
		name: "every invalid ref at once",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "Bad_Name", As: secretspec.Env, Key: "k", EnvVar: "X"}, {Secret: "ok", As: secretspec.Mount, MountPath: "relative"}},
		want: []string{`refs[0].secret`, `refs[1].mountPath`},
	}, {
		name: "two refs set one variable differently",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X"}, {Secret: "b", Key: "k", As: secretspec.Env, EnvVar: "X"}},
		want: []string{`refs[1]`},
	}, {
		name: "two Secrets at one path",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "a", As: secretspec.Mount, MountPath: "/s"}, {Secret: "b", As: secretspec.Mount, MountPath: "/s"}},
		want: []string{`refs[1]`},
	}, {
		name: "every key and items at one path",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "a", As: secretspec.Mount, MountPath: "/s"}, {Secret: "a", As: secretspec.Mount, MountPath: "/s", Key: "k"}},
		want: []string{`refs[1]`},
	}, {
		name: "two gitSSH refs",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "a", As: secretspec.GitSSH}, {Secret: "b", As: secretspec.GitSSH, MountPath: "/other"}},
		want: []string{`refs[1]`},
	}, {
		name: "a variable from WithEnv and one from a ref differ",
		spec: onePod(corev1.Container{Name: "main"}),
		refs: []secretspec.Ref{{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X"}},
		opts: []Option{WithEnv(corev1.EnvVar{Name: "X", Value: "plain"})},
		want: []string{`extras[0].env[0]`, `refs[0] sets it from key "k" of Secret "a"`},
	}, {
		name: "no containers",
		spec: &corev1.PodSpec{InitContainers: []corev1.Container{{Name: "init"}}},
		refs: []secretspec.Ref{{Secret: "r", As: secretspec.PullSecret}},
		want: []string{`spec.containers: Required value: the PodSpec has no containers, so the refs and Extras would reach nothing`},
	}, {
		name: "bad options",
		spec: onePod(corev1.Container{Name: "main"}),
		opts: []Option{WithConflictPolicy(7), WithEnv(corev1.EnvVar{Name: "A=B"}, corev1.EnvVar{Name: ""})},
		want: []string{`options.conflictPolicy: Unsupported value: "ConflictPolicy(7)"`, `extras[0].env[0].name`, `extras[0].env[1].name`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(tt.spec, tt.refs, tt.opts...)
			if err == nil {
				t.Fatalf("Apply gave no error and %v", got)
			}
			if got != nil {
				t.Errorf("Apply returned a spec with its error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter") {
				t.Errorf("error prints a literal env value")
			}
		})
	}
}

func TestApplyNil(t *testing.T) {
	if _, err := Apply(nil, nil); err == nil {
		t.Error("Apply(nil) gave no error")
	}
	if _, err := ApplyPod(nil, nil); err == nil {
		t.Error("ApplyPod(nil) gave no error")
	}
	if _, err := Apply(&corev1.PodSpec{}, nil, nil); err != nil {
		t.Errorf("a nil Option: %v", err)
	}
}

func TestVolumeName(t *testing.T) {
	long := strings.Repeat("a.b-", 30)
	for _, tt := range []struct{ secret, wantPrefix string }{
		{"db", "db-"},
		{"my.secret", "my-secret-"},
		{"UPPER_x", "upper-x-"},
		{"-.-", "secret-"},
		{"", "secret-"},
		{long, strings.Repeat("a-b-", 13)},
	} {
		got := volumeName(tt.secret, 0xabcdef0123)
		if !strings.HasPrefix(got, tt.wantPrefix) || !strings.HasSuffix(got, "abcdef0123") || len(got) > 63 {
			t.Errorf("volumeName(%q) = %q, want prefix %q, hash suffix, at most 63 bytes", tt.secret, got, tt.wantPrefix)
		}
	}
	if a, b := volumeHash("my.secret", nil, false, 0, false), volumeHash("my-secret", nil, false, 0, false); a == b {
		t.Error("my.secret and my-secret hash alike")
	}
}
