package flyte

import (
	"maps"
	"slices"

	"github.com/podsecrets/podsecrets/internal/validation"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Manager is a secret manager of Flyte's webhook: the value of its secretManagerType setting.
type Manager string

// The secret managers, spelled as Flyte's configuration spells them.
const (
	// ManagerK8s reads Kubernetes Secrets named after the group (Flyte's default).
	ManagerK8s Manager = "K8s"
	// ManagerVault has a HashiCorp Vault agent render each secret from the Vault path in group.
	ManagerVault Manager = "Vault"
	// ManagerAWS fetches each secret from AWS Secrets Manager (group:key is its ARN) in an init
	// container.
	ManagerAWS Manager = "AWS"
	// ManagerGCP fetches each secret from GCP Secret Manager (group the secret, group_version its
	// version) in an init container.
	ManagerGCP Manager = "GCP"
	// ManagerAzure fetches each secret from Azure Key Vault (group the secret's URI, group_version
	// its version) in an init container; Flyte 2 has it.
	ManagerAzure Manager = "Azure"
)

// managers lists the managers in the order errors list them.
var managers = []string{string(ManagerK8s), string(ManagerVault), string(ManagerAWS), string(ManagerGCP), string(ManagerAzure)}

// Config is Flyte's webhook configuration, with the keys of flytepropeller's `webhook` section
// that decide what a pod gets. ParseConfig reads it from Flyte's own configuration file;
// DefaultConfig gives Flyte's defaults.
type Config struct {
	// SecretManagerType is the manager of every request the global secrets do not serve.
	SecretManagerType Manager `json:"secretManagerType"`
	// Vault configures ManagerVault.
	Vault VaultConfig `json:"vaultSecretManager"`
	// AWS configures ManagerAWS's fetcher.
	AWS SidecarConfig `json:"awsSecretManager"`
	// GCP configures ManagerGCP's fetcher.
	GCP SidecarConfig `json:"gcpSecretManager"`
	// Azure configures ManagerAzure's fetcher.
	Azure SidecarConfig `json:"azureSecretManager"`
	// Global looks a request up among the secrets the webhook itself holds (Flyte's global
	// secrets), before the manager; nil means none. A value it finds is written into the pod
	// spec in clear text. GlobalSecrets gives Flyte's lookup.
	Global func(group, key string) (value string, ok bool) `json:"-"`
}

// VaultConfig is the configuration of ManagerVault: Flyte's webhook.vaultSecretManager.
type VaultConfig struct {
	// Role is the Vault role the agent logs in with (annotation vault.hashicorp.com/role).
	Role string `json:"role"`
	// KVVersion is the version of the key-value engine, 1 or 2, for requests whose
	// group_version does not say (kv1, kv2 or db). Flyte deprecates it in favour of group_version.
	KVVersion int `json:"kvVersion"`
	// Annotations are set on the pod beside Flyte's and override them.
	Annotations map[string]string `json:"annotations"`
}

// SidecarConfig is the configuration of a manager that fetches secrets in init containers.
type SidecarConfig struct {
	// SidecarImage is the fetcher's image.
	SidecarImage string `json:"sidecarImage"`
	// Resources are the fetcher's resources.
	Resources corev1.ResourceRequirements `json:"resources"`
}

// Flyte's default fetcher images.
const (
	// DefaultAWSImage is Flyte's default for awsSecretManager.sidecarImage.
	DefaultAWSImage = "docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4"
	// DefaultGCPImage is Flyte's default for gcpSecretManager.sidecarImage.
	DefaultGCPImage = "gcr.io/google.com/cloudsdktool/cloud-sdk:alpine"
	// DefaultAzureImage is Flyte 2's default for azureSecretManager.sidecarImage.
	DefaultAzureImage = "mcr.microsoft.com/azure-cli:cbl-mariner2.0"
	// DefaultVaultRole is Flyte's default for vaultSecretManager.role.
	DefaultVaultRole = "flyte"
)

// DefaultConfig returns Flyte's defaults: ManagerK8s, Vault role "flyte" and key-value engine
// version 2, Flyte's fetcher images, each fetcher limited to and requesting 200m CPU and 500Mi
// memory, no global secrets. Each call returns a new Config.
func DefaultConfig() Config {
	return Config{
		SecretManagerType: ManagerK8s,
		Vault:             VaultConfig{Role: DefaultVaultRole, KVVersion: 2},
		AWS:               SidecarConfig{SidecarImage: DefaultAWSImage, Resources: defaultResources()},
		GCP:               SidecarConfig{SidecarImage: DefaultGCPImage, Resources: defaultResources()},
		Azure:             SidecarConfig{SidecarImage: DefaultAzureImage, Resources: defaultResources()},
	}
}

// defaultResources is Flyte's resources of a fetcher: 200m CPU and 500Mi memory, requested and
// limited.
func defaultResources() corev1.ResourceRequirements {
	list := func() corev1.ResourceList {
		return corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("200m"),
			corev1.ResourceMemory: resource.MustParse("500Mi"),
		}
	}
	return corev1.ResourceRequirements{Requests: list(), Limits: list()}
}

// Validate reports what in c keeps Plan from serving its manager, with paths under fldPath: an
// unknown manager, and for the manager in use an empty Vault role, a KVVersion other than 1 or
// 2, an invalid annotation key, an empty fetcher image. The settings of other managers are not
// checked.
func (c Config) Validate(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch c.SecretManagerType {
	case ManagerK8s:
	case ManagerVault:
		p := fldPath.Child("vaultSecretManager")
		if c.Vault.Role == "" {
			errs = append(errs, field.Required(p.Child("role"), "the Vault role the agent logs in with"))
		}
		if c.Vault.KVVersion != 1 && c.Vault.KVVersion != 2 {
			errs = append(errs, field.NotSupported(p.Child("kvVersion"), c.Vault.KVVersion, []string{"1", "2"}))
		}
		for _, k := range slices.Sorted(maps.Keys(c.Vault.Annotations)) {
			if msg := validation.QualifiedNameProblem(k); msg != "" {
				errs = append(errs, field.Invalid(p.Child("annotations").Key(k), k, "an annotation key: "+msg))
			}
		}
	case ManagerAWS:
		errs = append(errs, c.AWS.validate(fldPath.Child("awsSecretManager"))...)
	case ManagerGCP:
		errs = append(errs, c.GCP.validate(fldPath.Child("gcpSecretManager"))...)
	case ManagerAzure:
		errs = append(errs, c.Azure.validate(fldPath.Child("azureSecretManager"))...)
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("secretManagerType"), field.OmitValueType{}, managers))
	}
	return errs
}

func (s SidecarConfig) validate(fldPath *field.Path) field.ErrorList {
	if s.SidecarImage == "" {
		return field.ErrorList{field.Required(fldPath.Child("sidecarImage"), "the fetcher's image")}
	}
	return nil
}
