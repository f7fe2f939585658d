package flyte

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/podsecrets/podsecrets/internal/errtext"
)

func TestDefaultConfig(t *testing.T) {
	res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("500Mi")}
	sidecar := func(image string) SidecarConfig {
		return SidecarConfig{SidecarImage: image, Resources: corev1.ResourceRequirements{Limits: res, Requests: res}}
	}
	want := Config{
		SecretManagerType: "K8s",
		Vault:             VaultConfig{Role: "flyte", KVVersion: 2},
		AWS:               sidecar("docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4"),
		GCP:               sidecar("gcr.io/google.com/cloudsdktool/cloud-sdk:alpine"),
		Azure:             sidecar("mcr.microsoft.com/azure-cli:cbl-mariner2.0"),
	}
	got := DefaultConfig()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Config{}, "Global")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Global != nil {
		t.Error("DefaultConfig has global secrets")
	}
	// Each call is a new value: changing one does not change the next.
	got.AWS.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("1")
	if q := DefaultConfig().AWS.Resources.Limits[corev1.ResourceCPU]; q.String() != "200m" {
		t.Errorf("DefaultConfig shares its resources: cpu %s", q.String())
	}
}

func TestParseConfig(t *testing.T) {
	with := func(f func(*Config)) Config { c := DefaultConfig(); f(&c); return c }
	tests := []struct {
		name     string
		in       string
		want     Config
		wantErrs []string
	}{
		{name: "empty is the default", in: "", want: DefaultConfig()},
		{name: "empty section", in: "webhook:\n", want: DefaultConfig()},
		{name: "whole propeller config file", in: `
propeller:
  workers: 4
secrets:
  env-prefix: FLYTE_SECRET_
webhook:
  certDir: /etc/webhook/certs
  serviceName: flyte-pod-webhook
  listenPort: 9443
  secretManagerType: Vault
  vaultSecretManager:
    role: flyte-task
    kvVersion: "1"
    annotations:
      vault.hashicorp.com/auth-path: auth/k8s
`, want: with(func(c *Config) {
			c.SecretManagerType = ManagerVault
			c.Vault = VaultConfig{Role: "flyte-task", KVVersion: 1, Annotations: map[string]string{"vault.hashicorp.com/auth-path": "auth/k8s"}}
		})},
		{name: "the section alone, JSON", in: `{"secretManagerType": "AWS", "awsSecretManager": {"sidecarImage": "reg/aws:2", "resources": {"limits": {"cpu": 1}}}}`,
			want: with(func(c *Config) {
				c.SecretManagerType = ManagerAWS
				c.AWS.SidecarImage = "reg/aws:2"
				c.AWS.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("1")
			})},
		{name: "resources merge over the default", in: "gcpSecretManager:\n  resources:\n    requests:\n      memory: 1Gi\n      ephemeral-storage: 1Gi\n    claims: [{name: gpu}]\nsecretManagerType: GCP\n",
			want: with(func(c *Config) {
				c.SecretManagerType = ManagerGCP
				c.GCP.Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")
				c.GCP.Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse("1Gi")
				c.GCP.Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
			})},
		{name: "kvVersion spellings: 2, KVVersion1", in: "vaultSecretManager: {kvVersion: 2}", want: DefaultConfig()},
		{name: "kvVersion KVVersion1", in: "vaultSecretManager: {kvVersion: KVVersion1}", want: with(func(c *Config) { c.Vault.KVVersion = 1 })},
		{name: "kvVersion number 1", in: "vaultSecretManager: {kvVersion: 1}", want: with(func(c *Config) { c.Vault.KVVersion = 1 })},
		{name: "Flyte's manager numbers", in: "secretManagerType: 6", want: with(func(c *Config) { c.SecretManagerType = ManagerAzure })},
		{name: "Flyte 2's list of one", in: "webhook: {secretManagerTypes: [Azure], secretEnvVarPrefix: _FSEC_}", want: with(func(c *Config) { c.SecretManagerType = ManagerAzure })},

		{name: "not YAML", in: "webhook: [\n", wantErrs: []string{"config: not valid YAML or JSON (line 1)"}},
		{name: "not an object", in: "- a\n", wantErrs: []string{"webhook: Invalid value: the configuration must be an object"}},
		{name: "webhook not an object", in: "webhook: 3\n", wantErrs: []string{"webhook: Invalid value: must be an object"}},
		{name: "every problem at once, no value quoted", in: `
webhook:
  secretManagerType: aws
  secretManagerTypes: [AWS, GCP]
  secretEnvVarPrefix: _UNION_
  sercetManager: x
  vaultSecretManager:
    role: [r]
    kvVersion: "3"
    annotations: {a: 1}
    token: x
  awsSecretManager:
    sidecarImage: 7
    resources: {limits: {cpu: lots}, requests: [], claims: [{name: x, size: 1}], other: 1}
    image: x
`, wantErrs: []string{
			`webhook.awsSecretManager.image: Invalid value: unknown key; expected one of resources, sidecarImage`,
			`webhook.awsSecretManager.resources.claims[0].size: Invalid value: unknown key; expected one of name, request`,
			`webhook.awsSecretManager.resources.limits[cpu]: Invalid value: must be a quantity such as 200m or 500Mi`,
			`webhook.awsSecretManager.resources.other: Invalid value: unknown key; expected one of claims, limits, requests`,
			`webhook.awsSecretManager.resources.requests: Invalid value: must be an object`,
			`webhook.awsSecretManager.sidecarImage: Invalid value: must be a string`,
			`webhook.secretEnvVarPrefix: Invalid value: podsecrets names secret variables with Flyte 1's prefix _FSEC_ only`,
			`webhook.secretManagerType: Invalid value: supported values: ["K8s" "Vault" "AWS" "GCP" "Azure"]`,
			`webhook.secretManagerTypes: Too many: 2: must have at most 1 item`,
			`webhook.sercetManager: Invalid value: unknown key; expected one of secretManagerType, secretManagerTypes, vaultSecretManager, awsSecretManager, gcpSecretManager, azureSecretManager, or another setting of Flyte's webhook section`,
			`webhook.vaultSecretManager.annotations[a]: Invalid value: must be a string`,
			`webhook.vaultSecretManager.kvVersion: Invalid value: supported values: "1", "2" (also 1, 2, KVVersion1, KVVersion2)`,
			`webhook.vaultSecretManager.role: Invalid value: must be a string`,
			`webhook.vaultSecretManager.token: Invalid value: unknown key; expected one of annotations, kvVersion, role`,
		}},
		{name: "a propeller file without a webhook section", in: "propeller: {workers: 2}\n", wantErrs: []string{
			"webhook.propeller: Invalid value: unknown key; expected one of secretManagerType, secretManagerTypes, vaultSecretManager, awsSecretManager, gcpSecretManager, azureSecretManager, or another setting of Flyte's webhook section (a whole flytepropeller configuration file needs its webhook: section)",
		}},
		{name: "Global and Embedded", in: "secretManagerTypes: [Global]\nsecretManagerType: Embedded\n", wantErrs: []string{
			`webhook.secretManagerType: Invalid value: Flyte 2's embedded secret manager is not supported (supported values: ["K8s" "Vault" "AWS" "GCP" "Azure"])`,
			`webhook.secretManagerTypes[0]: Invalid value: the global secrets are always tried first; name the manager that serves the other requests (supported values: ["K8s" "Vault" "AWS" "GCP" "Azure"])`,
		}},
		{name: "valid keys, invalid config", in: "secretManagerType: Vault\nvaultSecretManager: {role: \"\"}\n", wantErrs: []string{
			"webhook.vaultSecretManager.role: Required value: the Vault role the agent logs in with",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.in))
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Config{}, "Global")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
