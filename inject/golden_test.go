package inject

import (
	"flag"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/internal/golden"
	"github.com/podsecrets/podsecrets/secretspec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCase is a pod, refs and options whose ApplyPod output is kept in
// testdata/<name>.golden.yaml.
type goldenCase struct {
	name string
	pod  *corev1.Pod
	refs []secretspec.Ref
	opts []Option
}

func basicPod(name string, containers ...string) *corev1.Pod {
	p := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
	}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c, Image: "busybox:1.36"})
	}
	return p
}

// The seed systems' examples; the refs are what their dialect packages produce, written
// out by hand here (inject knows no dialect).
func seedCases() []goldenCase {
	// Pachyderm: the mnist pipeline of the "Manage Secrets" page, two env_var secrets.
	pach := basicPod("pipeline-mnist-v1-abcde", "user")
	pach.Spec.Containers[0].Image = "pachyderm/clearml_mnist:dev0.11"
	pach.Spec.Containers[0].Command = []string{"/bin/sh"}

	// Konduktor: user owner id "alice-1a2b3c", root /konduktor/default-secrets.
	const owner = "alice-1a2b3c"
	kpod := func() *corev1.Pod {
		p := basicPod("test-secrets-0", "konduktor-container")
		p.Labels = map[string]string{"trainy.ai/konduktor-user": owner}
		return p
	}
	kenv := corev1.EnvVar{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/konduktor/default-secrets"}

	// Run:ai: runai submit -i ubuntu -e MYUSERNAME=SECRET:my-secret,username
	//         -e MYPASSWORD=SECRET:my-secret,password -e FOO=bar
	runai := basicPod("job-1-0-0", "job-1")
	runai.Namespace = "runai-team-a"
	runai.Spec.Containers[0].Image = "ubuntu"

	// Flyte: a task asking for aws/access_key as ENV_VAR, db/password as FILE with
	// env_var DB_PASSWORD_FILE, and db/user as ANY (mounted as a file for Kubernetes).
	flyte := basicPod("a1b2c3-n0-0", "a1b2c3-n0-0")
	flyte.Labels = map[string]string{"inject-flyte-secrets": "true"}
	flyteEnv := []corev1.EnvVar{
		{Name: "DB_PASSWORD_FILE", Value: "/etc/flyte/secrets/db/password"},
		{Name: "FLYTE_SECRETS_ENV_PREFIX", Value: "_FSEC_"},
		{Name: "FLYTE_SECRETS_DEFAULT_DIR", Value: "/etc/flyte/secrets"},
		{Name: "FLYTE_SECRETS_FILE_PREFIX", Value: ""},
	}

	return []goldenCase{{
		name: "pachyderm-mnist",
		pod:  pach,
		refs: []secretspec.Ref{
			{Secret: "clearml", Key: "access", As: secretspec.Env, EnvVar: "CLEARML_API_ACCESS_KEY"},
			{Secret: "clearml", Key: "secret", As: secretspec.Env, EnvVar: "CLEARML_API_SECRET_KEY"},
		},
	}, {
		name: "konduktor-default",
		pod:  kpod(),
		refs: []secretspec.Ref{
			{Secret: "my-default-file-" + owner, As: secretspec.Mount, MountPath: "/konduktor/default-secrets/my-default-file"},
			{Secret: "my-default-directory-" + owner, As: secretspec.Mount, MountPath: "/konduktor/default-secrets/my-default-directory",
				Items: []corev1.KeyToPath{{Key: "secrets__secret-file.txt", Path: "secrets/secret-file.txt"}, {Key: "secrets__sub__b.txt", Path: "secrets/sub/b.txt"}}},
			{Secret: "my-default-inline-" + owner, As: secretspec.Mount, MountPath: "/konduktor/default-secrets/my-default-inline"},
		},
		opts: []Option{WithEnv(kenv)},
	}, {
		name: "konduktor-env",
		pod:  kpod(),
		refs: []secretspec.Ref{{Secret: "my-env-name-" + owner, Key: "FOO", As: secretspec.Env, EnvVar: "FOO"}},
		opts: []Option{WithEnv(kenv)},
	}, {
		name: "konduktor-git-ssh",
		pod:  kpod(),
		refs: []secretspec.Ref{{Secret: "my-ssh-name-" + owner, As: secretspec.GitSSH}},
		opts: []Option{WithEnv(kenv)},
	}, {
		name: "runai-submit",
		pod:  runai,
		refs: []secretspec.Ref{
			{Secret: "my-secret", Key: "username", As: secretspec.Env, EnvVar: "MYUSERNAME"},
			{Secret: "my-secret", Key: "password", As: secretspec.Env, EnvVar: "MYPASSWORD"},
		},
		opts: []Option{WithEnv(corev1.EnvVar{Name: "FOO", Value: "bar"})},
	}, {
		name: "flyte-task",
		pod:  flyte,
		refs: []secretspec.Ref{
			{Secret: "aws", Key: "access_key", As: secretspec.Env, EnvVar: "_FSEC_AWS_ACCESS_KEY", Optional: true},
			{Secret: "db", As: secretspec.Mount, MountPath: "/etc/flyte/secrets/db", Items: []corev1.KeyToPath{{Key: "password", Path: "password"}}, Optional: true},
			{Secret: "db", As: secretspec.Mount, MountPath: "/etc/flyte/secrets/db", Items: []corev1.KeyToPath{{Key: "user", Path: "user"}}, Optional: true},
		},
		opts: []Option{WithEnv(flyteEnv...)},
	}}
}

// One case per delivery and per option.
func deliveryCases() []goldenCase {
	withInit := func() *corev1.Pod {
		p := basicPod("app", "app", "sidecar")
		p.Spec.InitContainers = []corev1.Container{{Name: "fetch", Image: "alpine/git"}}
		return p
	}
	user := func() *corev1.Pod {
		p := basicPod("app", "app")
		p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "DB_PASSWORD", Value: "not-a-secret-really"}}
		p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}}
		p.Spec.Volumes = []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app-config"}}}}}
		return p
	}
	conflicting := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "app-secrets", As: secretspec.Mount, MountPath: "/etc/app"},
	}
	return []goldenCase{{
		name: "delivery-env",
		pod:  basicPod("app", "app"),
		refs: []secretspec.Ref{
			{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
			{Secret: "db", Key: "replica-password", As: secretspec.Env, EnvVar: "DB_REPLICA_PASSWORD", Optional: true},
		},
	}, {
		name: "delivery-envfrom",
		pod:  basicPod("app", "app"),
		refs: []secretspec.Ref{{Secret: "api-keys", As: secretspec.EnvFrom, Prefix: "API_"}, {Secret: "extra", As: secretspec.EnvFrom, Optional: true}},
	}, {
		name: "delivery-mount",
		pod:  basicPod("app", "app"),
		refs: []secretspec.Ref{
			{Secret: "tls.example.com", As: secretspec.Mount, MountPath: "/etc/tls", Mode: ptr[int32](0o440)},
			{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Items: []corev1.KeyToPath{{Key: "b.yaml", Path: "conf.d/b.yaml"}, {Key: "a.yaml", Path: "conf.d/a.yaml", Mode: ptr[int32](0o400)}}},
			{Secret: "cfg", As: secretspec.Mount, MountPath: "/etc/cfg", Key: "main.yaml"},
			{Secret: "cert", As: secretspec.Mount, MountPath: "/etc/cert", Key: "ca.crt", Optional: true},
		},
	}, {
		name: "delivery-pull",
		pod: func() *corev1.Pod {
			p := basicPod("app", "app")
			p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry-b"}}
			return p
		}(),
		refs: []secretspec.Ref{{Secret: "registry-a", As: secretspec.PullSecret}, {Secret: "registry-b", As: secretspec.PullSecret}, {Secret: "registry-a", As: secretspec.PullSecret}},
	}, {
		name: "delivery-gitssh",
		pod:  basicPod("app", "app"),
		refs: []secretspec.Ref{{Secret: "deploy-key", As: secretspec.GitSSH}},
	}, {
		name: "delivery-gitssh-known-hosts",
		pod:  basicPod("app", "app"),
		refs: []secretspec.Ref{{Secret: "deploy-key", As: secretspec.GitSSH, Key: "id_ed25519", MountPath: "/root/.ssh",
			Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}}},
	}, {
		name: "containers-and-init",
		pod:  withInit(),
		refs: []secretspec.Ref{
			{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"fetch"}},
			{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD", Containers: []string{"app"}},
			{Secret: "tracing", As: secretspec.EnvFrom, Prefix: "OTEL_"},
		},
		opts: []Option{WithInitContainers(false)},
	}, {
		name: "conflict-keep-existing",
		pod:  user(),
		refs: conflicting,
		opts: []Option{WithConflictPolicy(ConflictKeepExisting)},
	}, {
		name: "conflict-override",
		pod:  user(),
		refs: conflicting,
		opts: []Option{WithConflictPolicy(ConflictOverride)},
	}}
}

// Extras: what secret managers outside Kubernetes add, and duplicate entries.
func extrasCases() []goldenCase {
	flyte := basicPod("a1b2c3-n0-0", "a1b2c3-n0-0")
	flyte.Labels = map[string]string{"inject-flyte-secrets": "true"}
	flyte.Spec.InitContainers = []corev1.Container{{Name: "download", Image: "flytecopilot"}}
	vault := basicPod("a1b2c3-n0-0", "a1b2c3-n0-0")
	vault.Annotations = map[string]string{"vault.hashicorp.com/role": "team-role"}
	worker := basicPod("pipeline-edges-v1-xyz", "user", "storage")
	dup := basicPod("app", "app")
	dup.Spec.Containers[0].Env = []corev1.EnvVar{
		{Name: "DB_USER", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "user"}}},
		{Name: "LOG_LEVEL", Value: "info"},
		{Name: "DB_USER", Value: "not-a-secret-really"},
	}
	return []goldenCase{{
		name: "extras-flyte-aws",
		pod:  flyte,
		opts: []Option{WithExtras(benchfixture.AWSExtras())},
	}, {
		name: "extras-vault-annotations",
		pod:  vault,
		opts: []Option{WithConflictPolicy(ConflictKeepExisting), WithExtras(secretspec.Extras{Annotations: map[string]string{
			"vault.hashicorp.com/agent-inject":                  "true",
			"vault.hashicorp.com/role":                          "flyte",
			"vault.hashicorp.com/agent-pre-populate-only":       "true",
			"vault.hashicorp.com/secret-volume-path":            "/etc/flyte/secrets",
			"vault.hashicorp.com/agent-inject-secret-db-pass":   "db",
			"vault.hashicorp.com/agent-inject-file-db-pass":     "db/password",
			"vault.hashicorp.com/agent-inject-template-db-pass": `{{- with secret "db" -}}{{ .Data.data.password }}{{- end -}}`,
		}})},
	}, {
		name: "extras-pachyderm-worker",
		pod:  worker,
		refs: []secretspec.Ref{{Secret: "clearml", Key: "access", As: secretspec.Env, EnvVar: "CLEARML_API_ACCESS_KEY", Containers: []string{"user"}}},
		opts: []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{{Name: "PPS_PIPELINE_NAME", Value: "edges"}}, Containers: []string{"user"}})},
	}, {
		name: "duplicate-env-override",
		pod:  dup,
		refs: []secretspec.Ref{{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"}},
		opts: []Option{WithConflictPolicy(ConflictOverride)},
	}}
}

func TestGolden(t *testing.T) {
	for _, tc := range append(append(seedCases(), deliveryCases()...), extrasCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ApplyPod(tc.pod, tc.refs, tc.opts...)
			if err != nil {
				t.Fatalf("ApplyPod: %v", err)
			}
			got := mustYAML(t, out)
			golden.Check(t, filepath.Join("testdata", tc.name+".golden.yaml"), []byte(got), *update)
			patch, err := Patch(tc.pod, out)
			if err != nil {
				t.Fatal(err)
			}
			if err := patchtest.Check(tc.pod, out, patch); err != nil {
				t.Error(err)
			}
			if bad := checkPodSpec(&out.Spec); len(bad) > 0 {
				t.Errorf("output breaks Kubernetes' rules: %v", bad)
			}
		})
	}
}
