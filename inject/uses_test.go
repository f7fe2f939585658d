package inject

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

func usedEnv(name, secret, key string, optional *bool) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key, Optional: optional}}}
}

func TestUses(t *testing.T) {
	mode := ptr[int32](0o440)
	tests := []struct {
		name string
		spec corev1.PodSpec
		want []secretspec.Ref
	}{
		{name: "empty", spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
		{
			name: "env, envFrom and pull secrets, grouped across containers",
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "init", Env: []corev1.EnvVar{usedEnv("A", "db", "user", nil)}}},
				Containers: []corev1.Container{
					{Name: "main", Env: []corev1.EnvVar{
						{Name: "PLAIN", Value: "x"},
						usedEnv("A", "db", "user", ptr(false)), // unset and false are one consumption
						usedEnv("B", "db", "password", ptr(true)),
						{Name: "CM", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{Key: "k"}}},
					}, EnvFrom: []corev1.EnvFromSource{
						{Prefix: "APP_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app"}}},
						{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
					}},
					{Name: "side", EnvFrom: []corev1.EnvFromSource{
						{Prefix: "APP_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app"}}},
						{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app"}, Optional: ptr(true)}},
					}},
				},
				EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
					Name: "debug", Env: []corev1.EnvVar{usedEnv("B", "db", "password", ptr(true))}}}},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "reg"}, {Name: "reg2"}, {Name: "reg"}},
			},
			want: []secretspec.Ref{
				{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "A", Containers: []string{"init", "main"}},
				{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "B", Optional: true, Containers: []string{"main", "debug"}},
				{Secret: "app", As: secretspec.EnvFrom, Prefix: "APP_", Containers: []string{"main", "side"}},
				{Secret: "app", As: secretspec.EnvFrom, Optional: true, Containers: []string{"side"}},
				{Secret: "reg", As: secretspec.PullSecret},
				{Secret: "reg2", As: secretspec.PullSecret},
			},
		},
		{
			name: "secret volume at two paths, in two containers, one unmounted",
			spec: corev1.PodSpec{
				Volumes: []corev1.Volume{
					{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "tls",
						Items:       []corev1.KeyToPath{{Key: "tls.key", Path: "key.pem", Mode: ptr[int32](0o400)}, {Key: "tls.crt", Path: "cert.pem"}},
						DefaultMode: mode, Optional: ptr(true)}}},
					{Name: "unused", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "never"}}},
					{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				},
				Containers: []corev1.Container{
					{Name: "a", VolumeMounts: []corev1.VolumeMount{{Name: "tls", MountPath: "/etc/tls"}, {Name: "data", MountPath: "/data"}, {Name: "missing", MountPath: "/m"}}},
					{Name: "b", VolumeMounts: []corev1.VolumeMount{{Name: "tls", MountPath: "/etc/tls"}, {Name: "tls", MountPath: "/srv/key.pem", SubPath: "key.pem"}}},
				},
			},
			want: []secretspec.Ref{
				{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: mode, Optional: true, Containers: []string{"a", "b"},
					Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "cert.pem"}, {Key: "tls.key", Path: "key.pem", Mode: ptr[int32](0o400)}}},
				{Secret: "tls", As: secretspec.Mount, MountPath: "/srv/key.pem", Mode: mode, Optional: true, Containers: []string{"b"},
					Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "cert.pem"}, {Key: "tls.key", Path: "key.pem", Mode: ptr[int32](0o400)}}},
			},
		},
		{
			name: "projected volume: one ref per secret source",
			spec: corev1.PodSpec{
				Volumes: []corev1.Volume{{Name: "all", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					DefaultMode: mode,
					Sources: []corev1.VolumeProjection{
						{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "a"}}},
						{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
						{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "b"},
							Items: []corev1.KeyToPath{{Key: "k", Path: "dir/k"}}, Optional: ptr(true)}},
					}}}}},
				Containers: []corev1.Container{{Name: "c", VolumeMounts: []corev1.VolumeMount{{Name: "all", MountPath: "/etc/all"}}}},
			},
			want: []secretspec.Ref{
				{Secret: "a", As: secretspec.Mount, MountPath: "/etc/all", Mode: mode, Containers: []string{"c"}},
				{Secret: "b", As: secretspec.Mount, MountPath: "/etc/all", Mode: mode, Optional: true, Containers: []string{"c"},
					Items: []corev1.KeyToPath{{Key: "k", Path: "dir/k"}}},
			},
		},
		{
			name: "GitSSH recognised only with its command",
			spec: func() corev1.PodSpec {
				s, err := Apply(&corev1.PodSpec{Containers: []corev1.Container{{Name: "clone"}, {Name: "other"}}},
					[]secretspec.Ref{{Secret: "deploy", As: secretspec.GitSSH, Items: []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}}}})
				if err != nil {
					t.Fatal(err)
				}
				s.Containers[1].Env = nil // same volume, no GIT_SSH_COMMAND: a plain mount
				return *s
			}(),
			want: []secretspec.Ref{
				{Secret: "deploy", Key: "ssh-privatekey", As: secretspec.GitSSH, MountPath: "/etc/git-ssh", Containers: []string{"clone"},
					Items: []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}}},
				{Secret: "deploy", As: secretspec.Mount, MountPath: "/etc/git-ssh", Mode: ptr[int32](0o400), Containers: []string{"other"},
					Items: []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}, {Key: "ssh-privatekey", Path: "ssh-privatekey", Mode: ptr[int32](0o400)}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.spec.DeepCopy()
			got := Uses(&tt.spec)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Uses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, &tt.spec); diff != "" {
				t.Errorf("Uses modified its spec (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(got, Uses(&tt.spec)); diff != "" {
				t.Errorf("Uses is not deterministic:\n%s", diff)
			}
		})
	}
	if got := Uses(nil); got != nil {
		t.Errorf("Uses(nil) = %v, want nil", got)
	}
}

func TestUsesSharesNoMemory(t *testing.T) {
	spec := corev1.PodSpec{
		Volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: "s", DefaultMode: ptr[int32](0o400), Items: []corev1.KeyToPath{{Key: "k", Path: "k", Mode: ptr[int32](0o400)}}}}}},
		Containers: []corev1.Container{{Name: "c", VolumeMounts: []corev1.VolumeMount{{Name: "v", MountPath: "/v"}}}},
	}
	refs := Uses(&spec)
	*refs[0].Mode = 1
	*refs[0].Items[0].Mode = 1
	refs[0].Items[0].Key = "x"
	if s := spec.Volumes[0].Secret; *s.DefaultMode != 0o400 || *s.Items[0].Mode != 0o400 || s.Items[0].Key != "k" {
		t.Error("the refs Uses returned share memory with the spec")
	}
}

// TestUsesRoundTrip checks that Uses finds every ref Apply injected, on hand-written pods.
func TestUsesRoundTrip(t *testing.T) {
	pod := &corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init"}},
		Containers:     []corev1.Container{{Name: "main"}, {Name: "side"}},
	}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER", Optional: true, Containers: []string{"side"}},
		{Secret: "app", As: secretspec.EnvFrom, Prefix: "APP_"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: ptr[int32](0o400)},
		{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Key: "a.yaml", Containers: []string{"main"}},
		{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Items: []corev1.KeyToPath{{Key: "b", Path: "sub/b"}}, Containers: []string{"main"}},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "deploy", As: secretspec.GitSSH, Key: "id_ed25519", MountPath: "/git", Containers: []string{"init"}},
	}
	for _, opts := range [][]Option{nil, {WithInitContainers(false)}} {
		out, err := Apply(pod, refs, opts...)
		if err != nil {
			t.Fatal(err)
		}
		checkUsesCovers(t, "hand-written", out, refs, opts)
	}
}

// TestUsesRoundTripGenerated is TestUsesRoundTrip over generated pods and refs.
func TestUsesRoundTripGenerated(t *testing.T) {
	checked := 0
	for seed := int64(0); seed < 2000; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		pod := genPod(c)
		refs := genRefs(c, false)
		opts := genPolicy(c)
		if policyOf(opts) == ConflictKeepExisting {
			continue // the pod's own entries may stand instead of the refs'
		}
		out, err := ApplyPod(pod, refs, opts...)
		if err != nil {
			continue
		}
		checkUsesCovers(t, fmt.Sprintf("seed %d", seed), &out.Spec, refs, opts)
		checked++
	}
	if checked < 300 {
		t.Errorf("only %d generated cases applied: the generator tests little", checked)
	}
}

func policyOf(opts []Option) ConflictPolicy {
	var c config
	for _, o := range opts {
		c = o.apply(c)
	}
	return c.policy
}

// checkUsesCovers fails unless, for every ref and every container it reaches in spec, a ref
// of Uses(spec) delivers at least what the ref does there.
func checkUsesCovers(t *testing.T, where string, spec *corev1.PodSpec, refs []secretspec.Ref, opts []Option) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		cfg = o.apply(cfg)
	}
	used := Uses(spec)
	for i, r := range refs {
		r = r.Normalize()
		if r.As == secretspec.PullSecret {
			if !slices.ContainsFunc(used, func(u secretspec.Ref) bool { return u.As == r.As && u.Secret == r.Secret }) {
				t.Errorf("%s: Uses misses refs[%d] %v; it has %v", where, i, r, used)
			}
			continue
		}
		reach := func(name string, init bool) {
			if len(r.Containers) > 0 && !slices.Contains(r.Containers, name) || len(r.Containers) == 0 && init && cfg.noInit {
				return
			}
			if !slices.ContainsFunc(used, func(u secretspec.Ref) bool { return slices.Contains(u.Containers, name) && covers(u, r) }) {
				t.Errorf("%s: Uses misses refs[%d] %v in container %q; it has %v", where, i, r, name, used)
			}
		}
		for _, c := range spec.InitContainers {
			reach(c.Name, true)
		}
		for _, c := range spec.Containers {
			reach(c.Name, false)
		}
	}
}

// covers reports whether the used ref u delivers what the normalized ref r does.
func covers(u, r secretspec.Ref) bool {
	if u.Secret != r.Secret || u.Optional != r.Optional {
		return false
	}
	switch r.As {
	case secretspec.Env:
		return u.As == r.As && u.Key == r.Key && u.EnvVar == r.EnvVar
	case secretspec.EnvFrom:
		return u.As == r.As && u.Prefix == r.Prefix
	case secretspec.GitSSH:
		if u.As == secretspec.Mount {
			// The pod sets GIT_SSH_COMMAND otherwise too (a duplicate variable, the last wins):
			// Uses sees the files as a plain mount, which still consumes the same keys.
			key := corev1.KeyToPath{Key: r.Key, Path: r.Key, Mode: ptr(gitSSHMode)}
			return u.MountPath == r.MountPath && modeKey(u.Mode) == int64(gitSSHMode) && itemsIn(append(slices.Clone(r.Items), key), u.Items)
		}
		return u.As == r.As && u.Key == r.Key && u.MountPath == r.MountPath && itemsIn(r.Items, u.Items)
	case secretspec.Mount:
		if u.As != r.As || u.MountPath != r.MountPath || modeKey(u.Mode) != modeKey(r.Mode) {
			return false
		}
		if r.Key == "" && len(r.Items) == 0 {
			return u.Items == nil
		}
		want := slices.Clone(r.Items)
		if r.Key != "" {
			want = append(want, corev1.KeyToPath{Key: r.Key, Path: r.Key})
		}
		return itemsIn(want, u.Items)
	}
	return false
}

func itemsIn(want, have []corev1.KeyToPath) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h corev1.KeyToPath) bool { return compareItems(h, w) == 0 }) {
			return false
		}
	}
	return true
}
