package flyte

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/secretspec"
)

// annotatedPod is a task pod carrying the requests as propeller writes them, at the annotation
// numbers given (nums[i] for secrets[i]), plus the pod's own annotations.
func annotatedPod(t *testing.T, secrets []Secret, nums []int, own map[string]string) *corev1.Pod {
	t.Helper()
	enc, err := EncodeAnnotations(secrets)
	if err != nil {
		t.Fatal(err)
	}
	ann := maps.Clone(own)
	if ann == nil {
		ann = map[string]string{}
	}
	for i := range secrets {
		ann[AnnotationPrefix+strconv.Itoa(nums[i])] = enc[AnnotationPrefix+strconv.Itoa(i)]
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "task", Namespace: "ns", Labels: map[string]string{PodLabel: PodLabelValue}, Annotations: ann},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "task", Image: "flytekit"}}},
	}
}

func TestPodRefs(t *testing.T) {
	vault := configFor(ManagerVault)
	tests := []struct {
		name       string
		cfg        Config
		secrets    []Secret
		nums       []int // the annotation number of each request; nil: 0, 1, …
		own        map[string]string
		wantRefs   []secretspec.Ref
		wantExtras secretspec.Extras
		wantErrs   []string
	}{
		{name: "no requests", cfg: DefaultConfig(), own: map[string]string{"owner": "ml"}},
		{name: "K8s: each ref names its annotation", cfg: DefaultConfig(),
			secrets: []Secret{
				{Group: "db", Key: "pass", MountRequirement: MountEnvVar, EnvVar: "DB_PASS"},
				{Group: "db", Key: "TLS.crt", MountRequirement: MountFile},
			},
			nums: []int{2, 10},
			wantRefs: []secretspec.Ref{
				{Secret: "db", Key: "pass", As: secretspec.Env, EnvVar: "_FSEC_DB_PASS", Optional: true, Origin: "flyte.secrets/s2"},
				{Secret: "db", Key: "pass", As: secretspec.Env, EnvVar: "DB_PASS", Optional: true, Origin: "flyte.secrets/s2"},
				{Secret: "db", As: secretspec.Mount, MountPath: "/etc/flyte/secrets/db",
					Items: []corev1.KeyToPath{{Key: "TLS.crt", Path: "tls.crt"}}, Optional: true, Origin: "flyte.secrets/s10"},
			},
			wantExtras: secretspec.Extras{Env: []corev1.EnvVar{prefixVar, dirVar, filePfx}}},
		{name: "Vault: the pod's own annotations win", cfg: vault,
			secrets: []Secret{{Group: "secret/data/app", Key: "token"}},
			own:     map[string]string{VaultAnnotationRole: "team-a"},
			wantExtras: func() secretspec.Extras {
				_, x, err := Plan([]Secret{{Group: "secret/data/app", Key: "token"}}, vault)
				if err != nil {
					t.Fatal(err)
				}
				delete(x.Annotations, VaultAnnotationRole)
				return x
			}()},
		{name: "a request's problem is named by its annotation", cfg: DefaultConfig(),
			secrets: []Secret{{Group: "db", Key: "a"}, {Group: "arn:aws:x", Key: "b"}},
			nums:    []int{0, 3},
			wantErrs: []string{
				`flyte.secrets/s3.group: Invalid value: "arn:aws:x": must not contain ":" at byte 3; a DNS-1123 subdomain is at most 253 characters of lower-case letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit (the group is the Kubernetes Secret's name; an ARN or a path belongs to another secret manager)`,
			}},
		{name: "a clash names both annotations", cfg: DefaultConfig(),
			secrets: []Secret{
				{Group: "g", Key: "MY_SECRET", MountRequirement: MountFile},
				{Group: "g", Key: "a", MountRequirement: MountEnvVar, EnvVar: "V"},
				{Group: "g", Key: "my_secret"},
				{Group: "g", Key: "b", MountRequirement: MountFile, EnvVar: "V"},
			},
			nums: []int{1, 4, 7, 9},
			wantErrs: []string{
				`flyte.secrets/s7.key: Invalid value: "my_secret": keys "MY_SECRET" (flyte.secrets/s1) and "my_secret" both become the file /etc/flyte/secrets/g/my_secret after lower-casing`,
				`flyte.secrets/s9.env_var: Duplicate value: "V": env_var is already set by flyte.secrets/s4 to another value`,
			}},
		{name: "a fetching manager's problem is named by its annotation", cfg: configFor(ManagerAWS),
			secrets: []Secret{{Group: "not-an-arn", Key: "k"}}, nums: []int{5},
			wantErrs: []string{
				"flyte.secrets/s5.group: Invalid value: the ARN of AWS Secrets Manager up to :secret (arn:<partition>:secretsmanager:<region>:<12-digit account>:secret); the key names the secret",
			}},
		{name: "an invalid configuration", cfg: Config{SecretManagerType: ManagerGCP},
			secrets:  []Secret{{Group: "g", GroupVersion: "1"}},
			wantErrs: []string{"config.gcpSecretManager.sidecarImage: Required value: the fetcher's image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nums := tt.nums
			if nums == nil {
				for i := range tt.secrets {
					nums = append(nums, i)
				}
			}
			pod := annotatedPod(t, tt.secrets, nums, tt.own)
			before := pod.DeepCopy()
			refs, x, err := PodRefs(tt.cfg)(context.Background(), pod)
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExtras, x); diff != "" {
				t.Errorf("extras (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, pod); diff != "" {
				t.Errorf("pod changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPodRefsIsPlan: for every manager, PodRefs gives what Plan gives for the decoded requests,
// with the Extras' annotations the pod sets left out, and each ref's Origin its annotation.
func TestPodRefsIsPlan(t *testing.T) {
	for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		t.Run(string(m), func(t *testing.T) {
			secrets := goldenRequests(m)
			pod := annotatedPod(t, secrets, oddNumbers(len(secrets)), map[string]string{VaultAnnotationRole: "team-a"})
			refs, x, err := PodRefs(configFor(m))(context.Background(), pod)
			if err != nil {
				t.Fatal(err)
			}
			wantRefs, wantX, err := Plan(secrets, configFor(m))
			if err != nil {
				t.Fatal(err)
			}
			for i := range wantRefs {
				n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(wantRefs[i].Origin, "secrets["), "]"))
				wantRefs[i].Origin = AnnotationPrefix + strconv.Itoa(2*n+1)
			}
			if diff := cmp.Diff(wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(KeepPodAnnotations(wantX, pod.Annotations), x); diff != "" {
				t.Errorf("extras (-want +got):\n%s", diff)
			}
		})
	}
}

// oddNumbers numbers n requests 1, 3, 5, …: annotation numbers that are not positions.
func oddNumbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 2*i + 1
	}
	return out
}

func TestPodRefsBadInput(t *testing.T) {
	f := PodRefs(DefaultConfig())
	tests := []struct {
		name     string
		pod      *corev1.Pod
		wantErrs []string
	}{
		{name: "no pod", wantErrs: []string{"no pod"}},
		{name: "pod without annotations", pod: &corev1.Pod{}},
		{name: "not base32", pod: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"flyte.secrets/s0": "!!"}}},
			wantErrs: []string{`annotation "flyte.secrets/s0": byte 0: value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding`}},
		{name: "not a request number", pod: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"flyte.secrets/s01": "nnsxsoraejwxsx2lmv3secq"}}},
			wantErrs: []string{`annotation "flyte.secrets/s01": expected flyte.secrets/s<N>, N a decimal number without leading zeros`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, x, err := f(context.Background(), tt.pod)
			if refs != nil || !cmp.Equal(x, secretspec.Extras{}) {
				t.Errorf("got refs %v, extras %+v; want none", refs, x)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPodRefsKeepsItsConfig: changing the configuration's maps after PodRefs changes nothing.
func TestPodRefsKeepsItsConfig(t *testing.T) {
	cfg := configFor(ManagerVault)
	cfg.Vault.Annotations = map[string]string{"vault.hashicorp.com/agent-limits-cpu": "100m"}
	f := PodRefs(cfg)
	cfg.Vault.Annotations["vault.hashicorp.com/agent-limits-cpu"] = "9"
	pod := annotatedPod(t, []Secret{{Group: "secret/app", Key: "k"}}, []int{0}, nil)
	_, x, err := f(context.Background(), pod)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Annotations["vault.hashicorp.com/agent-limits-cpu"]; got != "100m" {
		t.Errorf("agent-limits-cpu = %q, want the value PodRefs was given, 100m", got)
	}
}
