package podsecrets_test

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// flyteLeakCases drive flyte.Plan, whose global lookup puts secret values into its output, and
// flyte.ParseConfig with the sentinel in every position that can be wrong. A plain variable
// that holds a global value legitimately holds it; everything else Plan returns is checked.
func flyteLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	global := func(values map[string]string) func(string, string) (string, bool) {
		return flyte.GlobalSecrets(nil, fstest.MapFS(func() fstest.MapFS {
			fs := fstest.MapFS{}
			for k, v := range values {
				fs[k] = &fstest.MapFile{Data: []byte(v)}
			}
			return fs
		}()))
	}
	plan := func(m flyte.Manager, values map[string]string, secrets ...flyte.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			cfg := flyte.DefaultConfig()
			cfg.SecretManagerType = m
			cfg.Global = global(values)
			refs, x, err := flyte.Plan(secrets, cfg)
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			out.texts["extras annotations"] = fmt.Sprint(x.Annotations)
			out.texts["extras init containers"] = fmt.Sprint(x.InitContainers)
			return out
		}
	}
	config := func(doc string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			cfg, err := flyte.ParseConfig([]byte(doc))
			return leakOut{err: err, texts: map[string]string{"config": fmt.Sprintf("%+v", cfg)}}
		}
	}
	env := flyte.MountEnvVar
	return []leakCase{
		{"flyte.Plan", "global value beside an invalid request", true, plan(flyte.ManagerK8s, map[string]string{"db/pass": S},
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env}, flyte.Secret{Group: "db", Key: "a/b", MountRequirement: env})},
		{"flyte.Plan", "two global values for one variable", true, plan(flyte.ManagerK8s, map[string]string{"db/pass": S, "DB/PASS": S2},
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env}, flyte.Secret{Group: "DB", Key: "PASS", MountRequirement: env})},
		{"flyte.Plan", "global value and an env_var set two ways", true, plan(flyte.ManagerK8s, map[string]string{"db/pass": S, "db/user": S2},
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env, EnvVar: "X"}, flyte.Secret{Group: "db", Key: "user", MountRequirement: env, EnvVar: "X"})},
		{"flyte.Plan", "global value, invalid env_var", true, plan(flyte.ManagerVault, map[string]string{"db/pass": S},
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env, EnvVar: "A=" + S})},
		{"flyte.Plan", "global value, Vault refuses the next", true, plan(flyte.ManagerVault, map[string]string{"db/pass": S},
			flyte.Secret{Group: "db", Key: "pass"}, flyte.Secret{Group: "db", Key: "user", MountRequirement: env})},
		{"flyte.Plan", "global value of a FILE request is not read", false, plan(flyte.ManagerAWS, map[string]string{"arn:aws:secretsmanager:us-east-1:123456789012:secret/k": S},
			flyte.Secret{Group: "arn:aws:secretsmanager:us-east-1:123456789012:secret", Key: "k", MountRequirement: flyte.MountFile})},
		{"flyte.Plan", "Vault group, key, group_version", true, plan(flyte.ManagerVault, nil,
			flyte.Secret{Group: S + " x", GroupVersion: S, Key: S + "-"})},
		{"flyte.Plan", "Vault file clash", true, plan(flyte.ManagerVault, nil,
			flyte.Secret{Group: "s", GroupVersion: "kv1", Key: "k"}, flyte.Secret{Group: "s", GroupVersion: "db", Key: "k"}, flyte.Secret{Group: "s/k", Key: "x"})},
		{"flyte.Plan", "AWS group and key", true, plan(flyte.ManagerAWS, nil,
			flyte.Secret{Group: S, Key: S + " x"}, flyte.Secret{Group: "arn:aws:secretsmanager:us-east-1:123456789012:secret", Key: S + "/../x"})},
		{"flyte.Plan", "AWS ENV_VAR and unknown mount", true, plan(flyte.ManagerAWS, nil,
			flyte.Secret{Group: S, Key: S, MountRequirement: env}, flyte.Secret{Group: S, Key: S, MountRequirement: 9})},
		{"flyte.Plan", "GCP group and version", true, plan(flyte.ManagerGCP, nil,
			flyte.Secret{Group: S + "; sh", GroupVersion: S + "$"}, flyte.Secret{Group: S})},
		{"flyte.Plan", "Azure group and version", true, plan(flyte.ManagerAzure, nil,
			flyte.Secret{Group: "https://" + S + "/x"}, flyte.Secret{Group: "https://v.vault.azure.net/secrets/n", GroupVersion: S + ";"})},
		{"flyte.Plan", "Azure file clash", true, plan(flyte.ManagerAzure, nil,
			flyte.Secret{Group: "https://v.vault.azure.net/secrets/n"}, flyte.Secret{Group: "https://v.vault.azure.net/secrets/n", GroupVersion: "v"})},
		{"flyte.Plan", "invalid config", true, func(*testing.T, context.Context) leakOut {
			_, _, err := flyte.Plan([]flyte.Secret{{Group: "g", Key: "k"}}, flyte.Config{SecretManagerType: flyte.Manager(S)})
			return errOut(err)
		}},
		{"flyte.Plan", "invalid Vault config", true, func(*testing.T, context.Context) leakOut {
			_, _, err := flyte.Plan(nil, flyte.Config{SecretManagerType: flyte.ManagerVault, Vault: flyte.VaultConfig{KVVersion: 5, Annotations: map[string]string{"a": S}}})
			return errOut(err)
		}},
		{"flyte.ParseConfig", "not YAML", true, config("webhook: [" + S + "\n")},
		{"flyte.ParseConfig", "not an object", true, config("- " + S)},
		{"flyte.ParseConfig", "webhook not an object", true, config("webhook: " + S)},
		{"flyte.ParseConfig", "manager", true, config("secretManagerType: " + S)},
		{"flyte.ParseConfig", "manager number", true, config("secretManagerType: " + numSentinel)},
		{"flyte.ParseConfig", "managers", true, config("secretManagerTypes: [" + S + ", " + S2 + "]")},
		{"flyte.ParseConfig", "managers not a list", true, config("secretManagerTypes: " + S)},
		{"flyte.ParseConfig", "prefix", true, config("secretEnvVarPrefix: " + S)},
		{"flyte.ParseConfig", "unknown key's value", true, config("token: " + S)},
		{"flyte.ParseConfig", "role not a string", true, config("vaultSecretManager: {role: " + numSentinel + "}")},
		{"flyte.ParseConfig", "kvVersion", true, config("vaultSecretManager: {kvVersion: " + S + "}")},
		{"flyte.ParseConfig", "annotation value not a string", true, config("vaultSecretManager: {annotations: {a: " + numSentinel + "}}")},
		{"flyte.ParseConfig", "vault unknown key", true, config("vaultSecretManager: {password: " + S + "}")},
		{"flyte.ParseConfig", "image not a string", true, config("awsSecretManager: {sidecarImage: " + numSentinel + "}")},
		{"flyte.ParseConfig", "quantity", true, config("gcpSecretManager: {resources: {limits: {cpu: " + S + "}, requests: {memory: [" + S + "]}}}")},
		{"flyte.ParseConfig", "resources unknown key and claims", true, config("azureSecretManager: {resources: {x: " + S + ", claims: [{name: " + numSentinel + ", y: " + S + "}]}, z: " + S + "}")},
		{"flyte.ParseConfig", "claims not a list", true, config("azureSecretManager: {resources: {claims: " + S + "}}")},
		{"flyte.ParseConfig", "invalid after parsing", true, config("secretManagerType: Vault\nvaultSecretManager: {role: \"\", annotations: {" + "a: " + S + "}}")},
	}
}
