package secretspec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

func TestExtrasValidate(t *testing.T) {
	// The messages of the worded name checks Validate uses.
	labelMsg := validation.DNS1123LabelProblem("Bad_Name")
	relaxedMsg := validation.RelaxedEnvVarNameProblem("A=B")
	emptyDir := func(name string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	}
	valid := Extras{
		Env:            []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B"}},
		Mounts:         []corev1.VolumeMount{{Name: "v", MountPath: "/etc/v", ReadOnly: true}, {Name: "pods-own", MountPath: "/x", SubPath: "a/b"}},
		Containers:     []string{"main"},
		Annotations:    map[string]string{"vault.hashicorp.com/agent-inject": "true"},
		Volumes:        []corev1.Volume{emptyDir("v"), {Name: "defaulted"}},
		InitContainers: []corev1.Container{{Name: "fetch", Image: "fetcher"}},
	}
	p := field.NewPath("extras").Index(1)
	tests := []struct {
		name string
		x    Extras
		want field.ErrorList
	}{
		{"zero", Extras{}, nil},
		{"valid", valid, nil},
		{"env", Extras{Env: []corev1.EnvVar{{Name: "A=B", Value: "hunter2"}, {Name: "X"}, {Name: "X", Value: "hunter2"}}}, field.ErrorList{
			field.Invalid(p.Child("env").Index(0).Child("name"), "A=B", relaxedMsg),
			field.Duplicate(p.Child("env").Index(2).Child("name"), "X"),
		}},
		{"mounts", Extras{Mounts: []corev1.VolumeMount{{Name: "", MountPath: "rel"}, {Name: "Bad_Name", MountPath: "/a/../b"}, {Name: "v"}, {Name: "v", MountPath: "/a", SubPath: "/abs"}, {Name: "v", MountPath: "/a"}}}, field.ErrorList{
			field.Required(p.Child("mounts").Index(0).Child("name"), "the name of a volume of the Extras or of the pod"),
			field.Invalid(p.Child("mounts").Index(0).Child("mountPath"), "rel", "must be an absolute path"),
			field.Invalid(p.Child("mounts").Index(1).Child("name"), "Bad_Name", labelMsg),
			field.Invalid(p.Child("mounts").Index(1).Child("mountPath"), "/a/../b", `must be a clean path: no "." or ".." elements, no repeated or trailing "/"`),
			field.Required(p.Child("mounts").Index(2).Child("mountPath"), "an absolute directory"),
			field.Invalid(p.Child("mounts").Index(3).Child("subPath"), "/abs", `must be a relative path without ".." elements`),
			field.Duplicate(p.Child("mounts").Index(4).Child("mountPath"), "/a"),
		}},
		{"containers", Extras{Containers: []string{"a", "a", ""}}, field.ErrorList{
			field.Duplicate(p.Child("containers").Index(1), "a"),
			field.Required(p.Child("containers").Index(2), "a container name"),
		}},
		{"an empty container list", Extras{Containers: []string{}}, field.ErrorList{
			field.Invalid(p.Child("containers"), []string{}, "an empty list selects no container; leave it unset (nil) for every container"),
		}},
		{"volumes", Extras{Volumes: []corev1.Volume{emptyDir("v"), emptyDir("v"), emptyDir("Bad_Name"), {},
			{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}},
			{Name: "two", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}}, field.ErrorList{
			field.Duplicate(p.Child("volumes").Index(1).Child("name"), "v"),
			field.Invalid(p.Child("volumes").Index(2).Child("name"), "Bad_Name", labelMsg),
			field.Required(p.Child("volumes").Index(3).Child("name"), "a volume name (a DNS-1123 label)"),
			field.Forbidden(p.Child("volumes").Index(4).Child("secret"), "Extras holds non-Secret volumes: mount a Secret with a Mount ref, which names and merges its volume"),
			field.Forbidden(p.Child("volumes").Index(5), "may not specify more than 1 volume type"),
		}},
		{"init containers", Extras{InitContainers: []corev1.Container{{Name: "f"}, {Name: "f"}, {Name: ""}, {Name: "Bad_Name"}}}, field.ErrorList{
			field.Duplicate(p.Child("initContainers").Index(1).Child("name"), "f"),
			field.Required(p.Child("initContainers").Index(2).Child("name"), "a container name (a DNS-1123 label)"),
			field.Invalid(p.Child("initContainers").Index(3).Child("name"), "Bad_Name", labelMsg),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.x.Validate(p)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
			if agg := got.ToAggregate(); agg != nil && strings.Contains(agg.Error(), "hunter2") {
				t.Error("an error prints a value")
			}
			if (len(tt.x.Validate(nil)) == 0) != (len(got) == 0) {
				t.Error("Validate(nil) and Validate(path) disagree")
			}
		})
	}
}

// TestExtrasValidateAnnotations checks that annotations are checked as apimachinery checks
// them, keys printed and values never.
func TestExtrasValidateAnnotations(t *testing.T) {
	x := Extras{Annotations: map[string]string{"bad key": "hunter2", "ok.io/fine": strings.Repeat("hunter2", 300<<10/7)}}
	got := x.Validate(field.NewPath("extras").Index(0)).ToAggregate().Error()
	for _, w := range []string{`extras[0].annotations: Invalid value: "bad key"`, `extras[0].annotations: Too long: may not be more than 262144 bytes`} {
		if !strings.Contains(got, w) {
			t.Errorf("error %q does not contain %q", got, w)
		}
	}
	if strings.Contains(got, "hunter2") {
		t.Error("an error prints an annotation value")
	}
}

// TestExtrasValidateAllocs checks that a valid Extras without annotations is validated
// without allocating (paths are built only for errors).
func TestExtrasValidateAllocs(t *testing.T) {
	x := Extras{
		Env:            []corev1.EnvVar{{Name: "A", Value: "1"}},
		Mounts:         []corev1.VolumeMount{{Name: "v", MountPath: "/etc/v"}},
		Volumes:        []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		InitContainers: []corev1.Container{{Name: "fetch"}},
	}
	if n := testing.AllocsPerRun(100, func() { _ = x.Validate(field.NewPath("extras")) }); n > 1 {
		t.Errorf("Validate of a valid Extras allocates %v times, want at most 1 (the caller's path)", n)
	}
}
