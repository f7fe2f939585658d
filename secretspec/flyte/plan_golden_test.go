package flyte

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/internal/golden"
	"github.com/podsecrets/podsecrets/secretspec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenRequests is one pod's requests for each manager: upper- and lower-case keys, several
// keys of one group, group_version, env_var, and a repeated request.
func goldenRequests(m Manager) []Secret {
	switch m {
	case ManagerVault:
		return []Secret{
			{Group: "secret/data/flyte", Key: "API_TOKEN", MountRequirement: MountFile, EnvVar: "TOKEN_PATH"},
			{Group: "secret/data/flyte", Key: "password"},
			{Group: "kv-v1/app", GroupVersion: "kv1", Key: "user"},
			{Group: "database/creds/readonly", GroupVersion: "db", Key: "creds.json", MountRequirement: MountFile},
			{Group: "secret/data/flyte", Key: "password"},
		}
	case ManagerAWS:
		arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret"
		return []Secret{
			{Group: arn, Key: "DB_Password", MountRequirement: MountFile, EnvVar: "DB_PASSWORD_FILE"},
			{Group: arn, Key: "api-key"},
			{Group: arn, Key: "prod/token"},
			{Group: arn, Key: "api-key"},
		}
	case ManagerGCP:
		return []Secret{
			{Group: "db-password", GroupVersion: "latest", MountRequirement: MountFile, EnvVar: "DB_PASSWORD_FILE"},
			{Group: "API_Key", GroupVersion: "3"},
			{Group: "projects/my-project/secrets/token", GroupVersion: "1"},
		}
	case ManagerAzure:
		return []Secret{
			{Group: "https://my-vault.vault.azure.net/secrets/db-password", MountRequirement: MountFile, EnvVar: "DB_PASSWORD_FILE"},
			{Group: "https://my-vault.vault.azure.net/secrets/API-Key/", GroupVersion: "0123456789abcdef0123456789abcdef"},
		}
	}
	return []Secret{
		{Group: "db", Key: "PASSWORD", MountRequirement: MountEnvVar, EnvVar: "DB_PASSWORD"},
		{Group: "db", Key: "tls.crt", MountRequirement: MountFile, EnvVar: "DB_CERT"},
		{Group: "db", Key: "CA.crt"},
		{Group: "api", GroupVersion: "v2", Key: "token", MountRequirement: MountEnvVar},
	}
}

// planDoc is Plan's output as a golden file holds it: requests and refs in their text forms,
// the Extras field by field.
type planDoc struct {
	Requests       []string             `json:"requests"`
	Refs           []string             `json:"refs,omitempty"`
	Env            []corev1.EnvVar      `json:"env,omitempty"`
	Mounts         []corev1.VolumeMount `json:"mounts,omitempty"`
	Containers     []string             `json:"containers,omitempty"`
	Annotations    map[string]string    `json:"annotations,omitempty"`
	Volumes        []corev1.Volume      `json:"volumes,omitempty"`
	InitContainers []corev1.Container   `json:"initContainers,omitempty"`
}

func newPlanDoc(in []Secret, refs []secretspec.Ref, x secretspec.Extras) planDoc {
	d := planDoc{Env: x.Env, Mounts: x.Mounts, Containers: x.Containers, Annotations: x.Annotations,
		Volumes: x.Volumes, InitContainers: x.InitContainers}
	for _, s := range in {
		d.Requests = append(d.Requests, fmt.Sprintf("%+v", s))
	}
	for _, r := range refs {
		d.Refs = append(d.Refs, r.String())
	}
	return d
}

func TestPlanGolden(t *testing.T) {
	for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		t.Run(string(m), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.SecretManagerType = m
			in := goldenRequests(m)
			refs, x, err := Plan(in, cfg)
			if err != nil {
				t.Fatal(err)
			}
			out, err := yaml.Marshal(newPlanDoc(in, refs, x))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "plan", strings.ToLower(string(m))+".golden.yaml"), out, *update)
		})
	}
}
