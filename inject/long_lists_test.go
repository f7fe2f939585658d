package inject

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// long is more entries than smallList: lists this long are searched through maps.
const long = 2*smallList + 3

// longPod has one container "main" with long lists of its own env vars, envFrom
// entries, mounts and volumes; at index 18 of each is an entry the refs of longRefs
// also want (as the same thing when same is true, else as something else).
func longPod(same bool) *corev1.PodSpec {
	c := corev1.Container{Name: "main"}
	spec := &corev1.PodSpec{}
	for i := range long {
		s := strconv.Itoa(i)
		c.Env = append(c.Env, corev1.EnvVar{Name: "P_" + s, Value: "v"})
		c.EnvFrom = append(c.EnvFrom, corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm" + s}}})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "p" + s, MountPath: "/p/" + s})
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "p" + s, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		spec.ImagePullSecrets = append(spec.ImagePullSecrets, corev1.LocalObjectReference{Name: "pull" + s})
	}
	if same {
		c.Env[18] = secretEnv("V_18", "s", "k", false)
		c.EnvFrom[18] = corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s18"}}}
		c.VolumeMounts[18] = roMount(vname("s18", nil, nil, false), "/m/18")
		spec.Volumes[18] = secretVolume(vname("s18", nil, nil, false), "s18", nil, nil, false)
	} else {
		c.Env[18] = corev1.EnvVar{Name: "V_18", Value: "hunter2"}
		c.EnvFrom[18] = corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s18"}, Optional: ptr(true)}}
		c.VolumeMounts[18] = corev1.VolumeMount{Name: "p18", MountPath: "/m/18"}
	}
	spec.Containers = []corev1.Container{c}
	return spec
}

// longRefs are long lists of refs of every delivery, and long mounts that merge into
// one volume.
func longRefs() []secretspec.Ref {
	var refs []secretspec.Ref
	for _, as := range []secretspec.Delivery{secretspec.Env, secretspec.EnvFrom, secretspec.Mount, mountKeys, secretspec.PullSecret} {
		refs = append(refs, manyRefs(as, long)...)
	}
	return refs
}

func TestApplyLongLists(t *testing.T) {
	spec, refs := longPod(true), longRefs()
	got, err := Apply(spec, refs)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Containers[0]
	if n, want := len(c.Env), 2*long-1; n != want {
		t.Errorf("%d env vars, want %d", n, want)
	}
	if n, want := len(c.EnvFrom), 2*long-1; n != want {
		t.Errorf("%d envFrom entries, want %d", n, want)
	}
	if n, want := len(c.VolumeMounts), 2*long; n != want { // and one for the merged keys
		t.Errorf("%d volume mounts, want %d", n, want)
	}
	if n, want := len(got.Volumes), 2*long; n != want {
		t.Errorf("%d volumes, want %d", n, want)
	}
	if n, want := len(got.ImagePullSecrets), 2*long; n != want {
		t.Errorf("%d image pull secrets, want %d", n, want)
	}
	var keys []corev1.KeyToPath
	for i := range long {
		keys = append(keys, corev1.KeyToPath{Key: "k" + strconv.Itoa(i), Path: "k" + strconv.Itoa(i)})
	}
	slices.SortFunc(keys, compareItems)
	merged := secretVolume(vname("s", keys, nil, false), "s", keys, nil, false)
	if i := slices.IndexFunc(got.Volumes, func(v corev1.Volume) bool { return v.Name == merged.Name }); i < 0 {
		t.Errorf("no volume %q of the merged keys", merged.Name)
	} else if diff := cmp.Diff(merged, got.Volumes[i]); diff != "" {
		t.Errorf("merged volume (-want +got):\n%s", diff)
	}
	again, err := Apply(got, refs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("Apply(Apply(x)) differs from Apply(x) (-want +got):\n%s", diff)
	}
}

func TestApplyLongListsConflicts(t *testing.T) {
	_, err := Apply(longPod(false), longRefs())
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, w := range []string{
		`spec.containers[0].env[18]: Forbidden: conflict: container "main" has env var "V_18"`,
		`spec.containers[0].envFrom[18]: Forbidden: conflict`,
		`spec.containers[0].volumeMounts[18]: Forbidden: conflict`,
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("error does not contain %q", w)
		}
	}
	if n := strings.Count(msg, "conflict"); n != 3 {
		t.Errorf("%d conflicts, want 3", n)
	}
	if strings.Contains(msg, "hunter") {
		t.Errorf("error prints a literal env value")
	}
}

func TestApplyManyContainers(t *testing.T) {
	spec := &corev1.PodSpec{}
	var names []string
	for i := range long {
		spec.Containers = append(spec.Containers, corev1.Container{Name: "c" + strconv.Itoa(i)})
		if i != 7 {
			names = append(names, "c"+strconv.Itoa(i))
		}
	}
	refs := []secretspec.Ref{{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "V", Containers: names}}
	got, err := Apply(spec, refs)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range got.Containers {
		if want := i != 7; (len(c.Env) == 1) != want {
			t.Errorf("container %q has %d env vars, want the variable: %v", c.Name, len(c.Env), want)
		}
	}

	refs[0].Containers = append(slices.Clip(names), "c3", "nope")
	_, err = Apply(spec, refs)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		`refs[0].containers[` + strconv.Itoa(len(names)) + `]: Duplicate value: "c3"`,
		`refs[0].containers[` + strconv.Itoa(len(names)+1) + `]: Not found: "nope"`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
