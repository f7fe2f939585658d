package flyte

import (
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/internal/golden"
)

// taskPod is a pod as Flyte's propeller makes it: a labelled task with an init container and an
// annotation of its own.
func taskPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "task-abc", Namespace: "flytesnacks-development",
			Labels:      map[string]string{PodLabel: PodLabelValue},
			Annotations: map[string]string{"vault.hashicorp.com/role": "team-a", "owner": "ml"},
		},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "prepare", Image: "busybox"}},
			Containers: []corev1.Container{{Name: "task", Image: "ghcr.io/flyteorg/flytekit:py3.11",
				Env: []corev1.EnvVar{{Name: "FLYTE_INTERNAL_EXECUTION_ID", Value: "abc"}}}},
		},
	}
}

// applyPlan is what a Flyte webhook does with a pod: Plan the requests, let the pod's own
// annotations win, apply.
func applyPlan(pod *corev1.Pod, secrets []Secret, cfg Config) (*corev1.Pod, error) {
	refs, x, err := Plan(secrets, cfg)
	if err != nil {
		return nil, err
	}
	return inject.ApplyPod(pod, refs, inject.WithExtras(KeepPodAnnotations(x, pod.Annotations)))
}

func TestPlanPodGolden(t *testing.T) {
	for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		t.Run(string(m), func(t *testing.T) {
			out, err := applyPlan(taskPod(), goldenRequests(m), configFor(m))
			if err != nil {
				t.Fatal(err)
			}
			b, err := yaml.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "pod", strings.ToLower(string(m))+".golden.yaml"), b, *update)
		})
	}
}

// randomRequests are requests of a few groups and keys, each valid for manager m.
func randomRequests(r *rand.Rand, m Manager) []Secret {
	var out []Secret
	for range 1 + r.IntN(5) {
		g, k := "g"+strconv.Itoa(r.IntN(3)), []string{"Key", "key2", "TOKEN"}[r.IntN(3)]
		s := Secret{Key: k, MountRequirement: MountType(r.IntN(3))}
		switch m {
		case ManagerK8s:
			s.Group = g
		case ManagerVault:
			s.Group, s.GroupVersion = "secret/"+g, []string{"", "kv1", "kv2"}[r.IntN(3)]
		case ManagerAWS:
			s.Group = "arn:aws:secretsmanager:us-east-1:123456789012:secret"
			s.Key = g + "-" + k
		case ManagerGCP:
			s.Group, s.GroupVersion = g, strconv.Itoa(1+r.IntN(2))
		case ManagerAzure:
			s.Group, s.GroupVersion = "https://v.vault.azure.net/secrets/"+g, strconv.Itoa(1+r.IntN(2))
		}
		if m != ManagerK8s && s.MountRequirement == MountEnvVar {
			s.MountRequirement = MountFile
		}
		if r.IntN(3) == 0 {
			s.EnvVar = "PATH_" + strconv.Itoa(len(out))
		}
		out = append(out, s)
	}
	return out
}

// TestPlanApplyProperties: for every manager, Plan then ApplyPod leaves its input alone, gives
// the same pod twice, and applying the plan again to its own result changes nothing.
func TestPlanApplyProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		cfg := configFor(m)
		for i := range 200 {
			secrets := randomRequests(r, m)
			pod := taskPod()
			before := pod.DeepCopy()
			once, err := applyPlan(pod, secrets, cfg)
			if err != nil {
				// Random requests may clash (two keys of one group as one file): that must be
				// Plan's error, never inject's.
				if _, _, perr := Plan(secrets, cfg); perr == nil {
					t.Fatalf("%s #%d: %+v: Plan succeeds but ApplyPod fails: %v", m, i, secrets, err)
				}
				continue
			}
			if diff := cmp.Diff(before, pod); diff != "" {
				t.Fatalf("%s #%d: the input pod changed (-before +after):\n%s", m, i, diff)
			}
			again, err := applyPlan(taskPod(), secrets, cfg)
			if err != nil || !cmp.Equal(once, again) {
				t.Fatalf("%s #%d: not deterministic: %v", m, i, err)
			}
			twice, err := applyPlan(once, secrets, cfg)
			if err != nil {
				t.Fatalf("%s #%d: %+v: second application fails: %v", m, i, secrets, err)
			}
			if diff := cmp.Diff(once, twice); diff != "" {
				t.Fatalf("%s #%d: %+v: not idempotent (-once +twice):\n%s", m, i, secrets, diff)
			}
		}
	}
}
