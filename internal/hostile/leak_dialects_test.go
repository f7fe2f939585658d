package hostile_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func dialectLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	env := func(flag string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			ref, plain, err := runai.ParseEnv(flag)
			out := leakOut{err: err, texts: map[string]string{}}
			if ref != nil {
				out.texts["ref String()"] = ref.String()
			}
			_ = plain // a plain variable legitimately holds its value
			return out
		}
	}
	envs := func(flags ...string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			refs, _, err := runai.ParseEnvs(flags)
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	transform := func(doc string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := pachyderm.ParseTransform([]byte(doc))
			return errOut(err)
		}
	}
	annotations := func(a map[string]string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := flyte.DecodeAnnotations(a)
			return errOut(err)
		}
	}
	kon := func(secrets ...corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			refs, _, err := konduktor.Refs(secrets, "alice", "")
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	konSecret := func(name, basename, kind string, data map[string]string) corev1.Secret {
		s := secretWith(name, data)
		s.Labels = map[string]string{konduktor.LabelOwner: "alice", konduktor.LabelBasename: basename, konduktor.LabelKind: kind, "parent": "konduktor"}
		return *s
	}
	// The flyte text with the sentinel in the wrong places, base32 encoded as the
	// annotations carry it.
	fly := func(text string) string { return flyteBase32(text) }
	P := "pachyderm.ParseTransform"
	return []leakCase{
		{"runai.ParseEnv", "invalid name", true, env("BAD\tNAME=" + S)},
		{"runai.ParseEnv", "name with space is relaxed-valid", false, env("BAD NAME=" + S)},
		{"runai.ParseEnv", "empty name", true, env("=" + S)},
		{"runai.ParseEnv", "name starting with '='", true, env("==" + S)},
		{"runai.ParseEnv", "name with NUL", true, env("A\x00B=" + S)},
		{"runai.ParseEnv", "name not UTF-8", true, env("A\xff=" + S)},
		{"runai.ParseEnv", "name with newline", true, env("A\nB=" + S)},
		{"runai.ParseEnv", "value then SECRET-like suffix", false, env("A=" + S + ",SECRET:x,y")},
		{"runai.ParseEnv", "secret ref with extra comma", true, env("A=SECRET:db,key," + S)},
		{"runai.ParseEnv", "lower-case secret prefix", false, env("A=secret:" + S)},
		{"runai.ParseEnvs", "duplicate name", true, envs("A="+S, "A="+S2)},
		{"runai.ParseEnvs", "bad flag after plain one", true, envs("A="+S, "=B", "C=SECRET:x")},
		{"runai.ParseEnvs", "plain then ref of same name", true, envs("A="+S, "A=SECRET:db,k")},
		{"runai.ParseEnvs", "empty flag", true, envs("A="+S, "")},
		{P, "JSON syntax error after env value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},`)},
		{P, "JSON bare word (valid YAML)", false, transform(`{"transform":{"env":{"PASSWORD":` + S + `}}}`)},
		{P, "JSON number in env", false, transform(`{"transform":{"env":{"PIN":` + numSentinel + `},"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "JSON number as secret name", true, transform(`{"transform":{"secrets":[{"name":` + numSentinel + `}]}}`)},
		{P, "JSON object as env", true, transform(`{"transform":{"env":[{"` + S + `":1}],"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "env_var without key, env holds value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "invalid secret name, env holds value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},"secrets":[{"name":"Bad Name","mount_path":"/x"}]}}`)},
		{P, "invalid escape", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `\q"}}}`)},
		{P, "YAML syntax error", true, transform("transform:\n  env:\n    PASSWORD: \"" + S + "\n")},
		{P, "YAML tab", true, transform("transform:\n\tenv: {PASSWORD: " + S + "}\n")},
		{P, "YAML bad indentation", true, transform("transform:\n  env:\n    PASSWORD: " + S + "\n   X: " + S2 + "\n y\n")},
		{P, "YAML invalid ref with env value", true, transform("transform:\n  env:\n    PASSWORD: " + S + "\n  secrets:\n  - name: s\n    env_var: X\n")},
		{P, "YAML unknown anchor", true, transform("transform:\n  env:\n    PASSWORD: *" + S + "\n")},
		{P, "YAML binary tag", true, transform("transform:\n  env:\n    PASSWORD: !!binary " + S + "\n  secrets: 3\n")},
		{P, "YAML number as secrets", true, transform("transform:\n  env: {PIN: " + numSentinel + "}\n  secrets: " + numSentinel + "\n")},
		{"flyte.DecodeAnnotations", "not base32", true, annotations(map[string]string{"flyte.secrets/s0": S, "password": S2})},
		{"flyte.DecodeAnnotations", "adjacent strings concatenate", false, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "k" "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "string after a field name without colon", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "two values concatenate", false, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "unterminated string", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "` + S)})},
		{"flyte.DecodeAnnotations", "unknown field with value", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" token: "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "bad enum", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "k" mount_requirement: ` + S)})},
		{"flyte.DecodeAnnotations", "number as string", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: ` + numSentinel)})},
		{"flyte.DecodeAnnotations", "bad escape", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "` + S + `\q"`)})},
		{"flyte.DecodeAnnotations", "gap in numbering, other annotation holds value", false, annotations(map[string]string{"flyte.secrets/s1": fly(`group: "g"`), "token": S})},
		{"flyte.DecodeAnnotations", "oversized", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g"`), "blob": strings.Repeat(S, 300<<10/len(S))})},
		{"konduktor.Refs", "unknown kind skipped", false, kon(konSecret("a-alice", "a", "weird", map[string]string{"k": S}))},
		{"konduktor.Refs", "no kind skipped", false, kon(konSecret("konduktor-ssh-keys-alice", "konduktor-ssh-keys-alice", "", map[string]string{"PRIVKEY": S}))},
		{"konduktor.Refs", "env key not a variable name", true, kon(konSecret("a-alice", "a", konduktor.KindEnv, map[string]string{"1bad=name": S, "OK": S2}))},
		{"konduktor.Refs", "env key set twice, later wins", false, kon(konSecret("a-alice", "a", konduktor.KindEnv, map[string]string{"K": S}), konSecret("b-alice", "b", konduktor.KindEnv, map[string]string{"K": S2}))},
		{"konduktor.Refs", "two git-ssh, first wins", false, kon(konSecret("a-alice", "a", konduktor.KindGitSSH, map[string]string{"gitkey": S}), konSecret("b-alice", "b", konduktor.KindGitSSH, map[string]string{"gitkey": S2}))},
		{"konduktor.Refs", "env GIT_SSH_COMMAND over git-ssh", false, kon(konSecret("a-alice", "a", konduktor.KindGitSSH, map[string]string{"gitkey": S}), konSecret("b-alice", "b", konduktor.KindEnv, map[string]string{"GIT_SSH_COMMAND": S2}))},
		{"konduktor.Refs", "two defaults one basename", true, kon(konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"k": S}), konSecret("c-alice", "a", konduktor.KindDefault, map[string]string{"k": S2}))},
		{"konduktor.Refs", "bad tree annotation", true, func(t *testing.T, ctx context.Context) leakOut {
			s := konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"k": S})
			s.Annotations = map[string]string{encode.TreeAnnotation: `{"k":"/abs"}`}
			return kon(s)(t, ctx)
		}},
		{"konduktor.Refs", "loose file at a tree directory's path", true, func(t *testing.T, ctx context.Context) leakOut {
			s := konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"secrets_.k": S, "secrets": S2})
			s.Annotations = map[string]string{encode.TreeAnnotation: `{"secrets_.k":"secrets/k"}`}
			return kon(s)(t, ctx)
		}},
		{"konduktor.Refs", "missing basename", false, kon(konSecret("a-alice", "", konduktor.KindDefault, map[string]string{"k": S}))},
		{"konduktor.Refs", "stringData only", false, func(t *testing.T, ctx context.Context) leakOut {
			s := konSecret("a-alice", "a", konduktor.KindEnv, nil)
			s.StringData = map[string]string{"K": S, "bad-name": S2}
			return kon(s)(t, ctx)
		}},
		{"konduktor.Refs", "basename not one path element", true, kon(konSecret("a-alice", "x/../..", konduktor.KindDefault, map[string]string{"k": S}))},
		{"konduktor.Refs", "invalid owner", true, func(*testing.T, context.Context) leakOut {
			_, _, err := konduktor.Refs([]corev1.Secret{konSecret("a-Alice", "a", konduktor.KindEnv, map[string]string{"K": S})}, "Alice", "")
			return errOut(err)
		}},
		{"konduktor.Refs", "relative root", true, func(*testing.T, context.Context) leakOut {
			_, _, err := konduktor.Refs([]corev1.Secret{konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"k": S})}, "alice", "run/secrets")
			return errOut(err)
		}},
		{"konduktor.SecretName", "invalid basename and owner", true, func(*testing.T, context.Context) leakOut {
			_, err := konduktor.SecretName("Bad.Name", "Alice")
			return errOut(err)
		}},
		{"konduktor.Labels", "unknown kind", true, func(*testing.T, context.Context) leakOut {
			_, err := konduktor.Labels("name", "alice", "vault")
			return errOut(err)
		}},
	}
}

// dialectMessageLeakCases cover the Run:ai flag positions and pasted-flag hints, Pachyderm's
// unknown fields and pipeline fields, the list format of several problems, and ValidateRefs'
// mentions of another ref.
func dialectMessageLeakCases() []leakCase {
	S, S2, N := sentinel, sentinel2, numSentinel
	envs := func(flags ...string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			refs, _, err := runai.ParseEnvs(flags)
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	transform := func(doc string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := pachyderm.ParseTransform([]byte(doc))
			return errOut(err)
		}
	}
	pipeline := func(doc string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			p, err := pachyderm.ParsePipeline([]byte(doc))
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range p.Refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	E, PT, PP := "runai.ParseEnvs", "pachyderm.ParseTransform", "pachyderm.ParsePipeline"
	return []leakCase{
		{E, "flag pasted whole", true, envs("-e A="+S, "-e B=SECRET:db,k", "--env=C="+S2)},
		{E, "name with a space", true, envs("A B="+S, "C D=SECRET:x,y")},
		{E, "duplicate named by position", true, envs("A="+S, "B="+S2, "A=SECRET:s,k")},
		{E, "ten problems, one per line", true, envs("A", "B", "C", "D", "E", "F", "G", "H", "I="+S, "I="+S2)},
		{PT, "unknown field with a value", true, transform(`{"secrets":[{"name":"s","mount":"` + S + `"},{"name":"Bad","env_var":"V","key":"k"}]}`)},
		{PT, "misspelt field with a number", true, transform(`{"secrets":[{"name":"s","MountPath":` + N + `}]}`)},
		{PT, "unknown field and a bad pull secret", true, transform(`{"secrets":[{"name":"s","x":"` + S + `"}],"image_pull_secrets":[` + N + `,"UPPER"]}`)},
		{PP, "env value a number", true, pipeline(`{"env":{"A":` + N + `}}`)},
		{PP, "env value an object", true, pipeline(`{"env":{"A":{"v":"` + S + `"}}}`)},
		{PP, "env also set by a secret", true, pipeline(`{"env":{"V":"` + S + `"},"secrets":[{"name":"s","key":"k","env_var":"V"}]}`)},
		{PP, "env name invalid", true, pipeline(`{"env":{"A=B":"` + S + `"}}`)},
		{PP, "image, cmd and name of the wrong type", true, pipeline(`{"pipeline":{"name":{"x":"` + S + `"}},"transform":{"image":["` + S + `"],"cmd":"` + S2 + `"}}`)},
		{PP, "pipeline not an object", true, pipeline(`{"pipeline":"` + S + `","transform":{}}`)},
		{"secretspec.ValidateRefs", "conflict named by the caller's path", true, func(*testing.T, context.Context) leakOut {
			refs := []secretspec.Ref{
				{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X"},
				{Secret: "b", Key: "k", As: secretspec.Env, EnvVar: "X"},
				{Secret: "c", As: secretspec.Mount, MountPath: "/m"},
				{Secret: "d", As: secretspec.Mount, MountPath: "/m"},
			}
			return leakOut{errors: secretspec.ValidateRefs(refs, field.NewPath("spec", "secrets"))}
		}},
		{E, "worded name errors beside plain values", true, envs("A="+S, "B=SECRET:Bad_Name,k", "C=SECRET:s,a/b", "D\x01="+S2, "E=SECRET:"+strings.Repeat("a", 254)+",k")},
		{"runai.ParseEnv", "worded name error, one problem with the prefix", true, func(*testing.T, context.Context) leakOut {
			_, _, err := runai.ParseEnv("A\x7f=" + S)
			return errOut(err)
		}},
		{"runai.ProjectNamespace", "worded label error", true, func(*testing.T, context.Context) leakOut {
			_, err := runai.ProjectNamespace("Team_" + strings.Repeat("x", 70))
			return errOut(err)
		}},
		{"flyte.Refs", "worded name errors, several with the prefix", true, func(*testing.T, context.Context) leakOut {
			_, x, err := flyte.Refs([]flyte.Secret{{Group: "Bad_Group", Key: "a/b", EnvVar: "A=B"}, {Group: "g", Key: "..k"}, {Group: "g", Key: "k", EnvVar: "X\x00"}})
			return leakOut{err: err, texts: map[string]string{"extras": fmt.Sprint(x)}}
		}},
		{"secretspec.Extras.Validate", "worded name errors beside values", true, func(*testing.T, context.Context) leakOut {
			x := secretspec.Extras{Env: []corev1.EnvVar{{Name: "A=B", Value: S}, {Name: "", Value: S2}, {Name: "C\t", Value: S}},
				Volumes: []corev1.Volume{{Name: "Bad_Vol"}}}
			return leakOut{errors: x.Validate(field.NewPath("extras"))}
		}},
		{"secretspec.ValidateRefs", "conflicts and an invalid ref named by their origins", true, func(*testing.T, context.Context) leakOut {
			refs := []secretspec.Ref{
				{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "transform.secrets[0]"},
				{Secret: "b", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "3rd -e flag"},
				{Secret: "c", As: secretspec.Mount, MountPath: "/m", Origin: "flyte.secrets/s1"},
				{Secret: "d", As: secretspec.Mount, MountPath: "/m"},
				{Secret: "e", As: secretspec.Mount, MountPath: "/n/../o", Origin: "flyte.secrets/s2"},
			}
			return leakOut{errors: secretspec.ValidateRefs(refs, field.NewPath("spec", "secrets"))}
		}},
	}
}

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
	// podRefs runs flyte.PodRefs on a pod whose annotations are the requests' (EncodeAnnotations)
	// plus extra ones, with global values.
	podRefs := func(m flyte.Manager, values, extra map[string]string, secrets ...flyte.Secret) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, ctx context.Context) leakOut {
			cfg := flyte.DefaultConfig()
			cfg.SecretManagerType = m
			cfg.Global = global(values)
			ann, err := flyte.EncodeAnnotations(secrets)
			if err != nil {
				t.Fatal(err)
			}
			maps.Copy(ann, extra)
			refs, x, err := flyte.PodRefs(cfg)(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: ann}})
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
				out.texts[fmt.Sprintf("refs[%d].Origin", i)] = r.Origin
			}
			out.texts["extras annotations"] = fmt.Sprint(x.Annotations)
			return out
		}
	}
	env := flyte.MountEnvVar
	return []leakCase{
		{"flyte.PodRefs", "global value beside an invalid request", true, podRefs(flyte.ManagerK8s, map[string]string{"db/pass": S}, nil,
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env}, flyte.Secret{Group: "db", Key: "a/b", MountRequirement: env})},
		{"flyte.PodRefs", "two global values for one variable", true, podRefs(flyte.ManagerK8s, map[string]string{"db/pass": S, "DB/PASS": S2}, nil,
			flyte.Secret{Group: "db", Key: "pass", MountRequirement: env}, flyte.Secret{Group: "DB", Key: "PASS", MountRequirement: env})},
		{"flyte.PodRefs", "annotation value not base32", true, podRefs(flyte.ManagerK8s, nil, map[string]string{"flyte.secrets/s1": S}, flyte.Secret{Group: "db", Key: "k"})},
		{"flyte.PodRefs", "decoded text with an unknown field", true, podRefs(flyte.ManagerK8s, nil, map[string]string{"flyte.secrets/s1": flyteBase32(`password: "` + S + `"`)})},
		{"flyte.PodRefs", "decoded text not closed", true, podRefs(flyte.ManagerK8s, nil, map[string]string{"flyte.secrets/s0": flyteBase32(`key: "` + S)})},
		{"flyte.PodRefs", "annotation name not a number", true, podRefs(flyte.ManagerK8s, nil, map[string]string{"flyte.secrets/sx": S})},
		{"flyte.PodRefs", "Vault request refused, the pod's own annotations", true, podRefs(flyte.ManagerVault, nil,
			map[string]string{flyte.VaultAnnotationRole: S, "other": S2}, flyte.Secret{Group: "db", Key: "pass", MountRequirement: env})},
		{"flyte.PodRefs", "the pod's own annotations are not in the Extras", false, podRefs(flyte.ManagerVault, nil,
			map[string]string{flyte.VaultAnnotationRole: S, flyte.VaultAnnotationInject: S2}, flyte.Secret{Group: "secret/db", Key: "pass"})},
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
		{"flyte.Plan", "Vault config annotation keys in words", true, func(*testing.T, context.Context) leakOut {
			_, _, err := flyte.Plan(nil, flyte.Config{SecretManagerType: flyte.ManagerVault, Vault: flyte.VaultConfig{Role: "r", KVVersion: 2,
				Annotations: map[string]string{"a b": S, "x/y/z": S2, "Bad.Prefix/k": S, "ok/-k": S2}}})
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
