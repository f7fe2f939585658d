package konduktor_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// konSecret is what `konduktor secret create --kind=<kind>` stores for alice.
func konSecret(basename, kind string, data map[string]string) corev1.Secret {
	labels, err := konduktor.Labels(basename, "alice", kind)
	if err != nil {
		panic(err)
	}
	s := corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: basename + "-alice", Labels: labels}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func secretVar(name, secret string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: name}}}
}

// TestPrecedence builds a Konduktor task's pod the way Refs' documentation says, end to end
// through inject: the template's (config) env stays in the main container, the env secrets
// override it, the task's env, appended to the Extras, overrides both; the sidecar and the init
// container receive nothing. Konduktor's own rule (backends/pod_utils.py, create_pod_spec): the
// config env, then env secrets set over it, then the task's envs set over those.
func TestPrecedence(t *testing.T) {
	secrets := []corev1.Secret{
		// konduktor secret create --kind=env --inline WANDB_API_KEY=... wandb
		konSecret("wandb", konduktor.KindEnv, map[string]string{"WANDB_API_KEY": "k", "WANDB_ENTITY": "e", "HF_HOME": "h"}),
		// konduktor secret create --kind=env --inline WANDB_ENTITY=... zz-team: later by name, wins
		konSecret("zz-team", konduktor.KindEnv, map[string]string{"WANDB_ENTITY": "team"}),
		konSecret("files", konduktor.KindDefault, map[string]string{"netrc": "n"}),
		konSecret("my-ssh-name", konduktor.KindGitSSH, map[string]string{konduktor.GitSSHKey: "key"}),
	}
	// The template (Konduktor's pod.yaml.j2 merged with ~/.konduktor/config.yaml).
	template := corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "setup", Image: "busybox"}},
		Containers: []corev1.Container{
			{Name: konduktor.MainContainer, Image: "ubuntu", Env: []corev1.EnvVar{
				{Name: "NUM_NODES", Value: "2"},       // template only: stays
				{Name: "WANDB_ENTITY", Value: "cfg"},  // config, env secret: the secret
				{Name: "HF_HOME", Value: "/cfg/hf"},   // config, env secret, task: the task
				{Name: "LOG_LEVEL", Value: "warning"}, // config, task: the task
			}},
			{Name: "tailscale", Image: "tailscale"},
		},
	}
	// The task's envs (task.yaml and --env): EPOCHS new, HF_HOME and LOG_LEVEL over the others.
	task := []corev1.EnvVar{{Name: "EPOCHS", Value: "10"}, {Name: "HF_HOME", Value: "/task/hf"}, {Name: "LOG_LEVEL", Value: "debug"}}

	refs, extras, err := konduktor.Refs(secrets, "alice", "")
	if err != nil {
		t.Fatal(err)
	}
	extras.Env = append(extras.Env, task...)
	got, err := inject.Apply(&template, refs, inject.WithConflictPolicy(inject.ConflictOverride), inject.WithExtras(extras))
	if err != nil && strings.Contains(err.Error(), "but refs[") {
		// Until inject settles a ref against an Extras' variable by the ConflictPolicy (DESIGN.md,
		// Rules: Order), which the core of issue #20 builds.
		t.Skipf("inject does not yet let the Extras override a ref: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}

	wantEnv := []corev1.EnvVar{
		{Name: "NUM_NODES", Value: "2"},
		secretVar("WANDB_ENTITY", "zz-team-alice"),
		{Name: "HF_HOME", Value: "/task/hf"},
		{Name: "LOG_LEVEL", Value: "debug"},
		secretVar("WANDB_API_KEY", "wandb-alice"),
		{Name: "GIT_SSH_COMMAND", Value: "ssh -i /etc/git-ssh/gitkey -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"},
		{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/konduktor/default-secrets"},
		{Name: "EPOCHS", Value: "10"},
	}
	if diff := cmp.Diff(wantEnv, got.Containers[0].Env); diff != "" {
		t.Errorf("%s env (-want +got):\n%s", konduktor.MainContainer, diff)
	}
	var mounts []string
	for _, m := range got.Containers[0].VolumeMounts {
		mounts = append(mounts, m.MountPath)
	}
	if diff := cmp.Diff([]string{"/konduktor/default-secrets/files", "/etc/git-ssh"}, mounts); diff != "" {
		t.Errorf("%s mounts (-want +got):\n%s", konduktor.MainContainer, diff)
	}
	for _, c := range append(got.Containers[1:], got.InitContainers...) {
		if len(c.Env) != 0 || len(c.VolumeMounts) != 0 {
			t.Errorf("container %s received env %v, mounts %v; want nothing", c.Name, c.Env, c.VolumeMounts)
		}
	}
}
