package podsecrets_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// newuserLeakCases cover the messages of issue #13: Merge's immutable flag, Generic's env file
// combined with other sources, finalizer names, the leads of name errors, the Run:ai flag
// positions and pasted-flag hints, Pachyderm's unknown fields and ParsePipeline, the list
// format of several problems, and ValidateRefs' mentions of another ref.
func newuserLeakCases(t *testing.T) []leakCase {
	S, S2, N := sentinel, sentinel2, numSentinel
	yes, no := true, false
	immutable := func(data map[string]string) *corev1.Secret {
		s := secretWith("app", data)
		s.Immutable = &yes
		return s
	}
	mutable := func(data map[string]string) *corev1.Secret {
		s := secretWith("app", data)
		s.Immutable = &no
		return s
	}
	merge := func(base, overlay *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return secretOut(encode.Merge(base, overlay)) }
	}
	envAndOthers := func(others ...func(dir string) encode.Source) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, _ context.Context) leakOut {
			dir := t.TempDir()
			srcs := []encode.Source{encode.EnvFile(writeFile(t, dir, "app.env", "A="+S+"\n"))}
			for _, o := range others {
				srcs = append(srcs, o(dir))
			}
			return secretOut(encode.Generic("s", srcs...))
		}
	}
	validate := func(s *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return leakOut{errors: encode.Validate(s)} }
	}
	withMeta := func(name, namespace string, finalizers ...string) *corev1.Secret {
		s := secretWith(name, map[string]string{"k": S})
		s.Namespace, s.Finalizers = namespace, finalizers
		return s
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
	M, G, V, E, PT, PP := "encode.Merge", "encode.Generic", "encode.Validate", "runai.ParseEnvs", "pachyderm.ParseTransform", "pachyderm.ParsePipeline"
	return []leakCase{
		{M, "immutable base, overlay immutable: false", true, merge(immutable(map[string]string{"a": S}), mutable(map[string]string{"a": S}))},
		{M, "immutable base, overlay changes data", true, merge(immutable(map[string]string{"a": S}), secretWith("app", map[string]string{"a": S2}))},
		{G, "EnvFile then Literal", true, envAndOthers(func(string) encode.Source { return encode.Literal("b", S2) })},
		{G, "EnvFile then File", true, envAndOthers(func(dir string) encode.Source { return encode.File(writeFile(t, dir, "f", S2)) })},
		{G, "EnvFile then Tree", true, envAndOthers(func(dir string) encode.Source {
			writeFile(t, dir, "tree/a", S2)
			return encode.Tree(filepath.Join(dir, "tree"))
		})},
		{G, "Literal key with a bad byte", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.Generic("s", encode.Literal("a/"+"b", S)))
		}},
		{G, "upper-case Secret name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.Generic("My-Secret", encode.Literal("k", S)))
		}},
		{V, "finalizer neither standard nor qualified", true, validate(withMeta("app", "", "cleanup", "bad name"))},
		{V, "upper-case name and namespace", true, validate(withMeta("App", "Team_A"))},
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
		{"inject.Apply", "several problems in the list format", true, func(*testing.T, context.Context) leakOut {
			spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{{Name: "X", Value: S}}}}}
			refs := []secretspec.Ref{{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X"}, {Secret: "Bad", As: secretspec.EnvFrom}}
			_, err := inject.Apply(spec, refs)
			return errOut(err)
		}},
	}
}
