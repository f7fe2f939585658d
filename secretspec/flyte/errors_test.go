package flyte

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// TestErrorPrefix: every error the package returns says "flyte: " once, at the start, then one
// problem, or the count and one problem a line.
func TestErrorPrefix(t *testing.T) {
	call := func(f func() error) error { return f() }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Refs, one problem", call(func() error { _, _, err := Refs([]Secret{{Group: "Db", Key: "k"}}); return err }),
			`flyte: secrets[0].group: Invalid value: "Db": must be lower case ("D" at byte 0); ` + validation.SubdomainRule +
				" (the group is the Kubernetes Secret's name; an ARN or a path belongs to another secret manager)"},
		{"Refs, several", call(func() error { _, _, err := Refs([]Secret{{Key: "k"}, {Group: "g"}}); return err }),
			"flyte: 2 problems:\n\t- secrets[0].group: Required value: the Kubernetes Secret's name\n" +
				"\t- secrets[1].key: Required value: Flyte's Kubernetes injector needs a key within the Secret"},
		{"Plan, config", call(func() error { _, _, err := Plan(nil, Config{SecretManagerType: ManagerGCP}); return err }),
			"flyte: config.gcpSecretManager.sidecarImage: Required value: the fetcher's image"},
		{"EncodeAnnotations", call(func() error { _, err := EncodeAnnotations([]Secret{{MountRequirement: 7}}); return err }),
			`flyte: annotation "flyte.secrets/s0": secrets[0]: unknown mount requirement 7: expected MountAny, MountEnvVar or MountFile`},
		{"DecodeAnnotations", call(func() error {
			_, err := DecodeAnnotations(map[string]string{"flyte.secrets/sx": "", "flyte.secrets/s1": "!"})
			return err
		}), "flyte: 2 problems:\n\t- annotation \"flyte.secrets/sx\": expected flyte.secrets/s<N>, N a decimal number without leading zeros\n" +
			"\t- annotation \"flyte.secrets/s1\": byte 0: value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
		{"ParseConfig", call(func() error { _, err := ParseConfig([]byte("webhook: [\n")); return err }),
			"flyte: config: not valid YAML or JSON (line 1)"},
		{"PodRefs, no pod", call(func() error { _, _, err := PodRefs(DefaultConfig())(context.Background(), nil); return err }),
			"flyte: no pod"},
		{"PodRefs, decode and plan once each", call(func() error {
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"flyte.secrets/s0": "!"}}}
			_, _, err := PodRefs(DefaultConfig())(context.Background(), pod)
			return err
		}), `flyte: annotation "flyte.secrets/s0": byte 0: value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Errorf("error:\n%v\nwant:\n%s", tt.err, tt.want)
			}
		})
	}
}
