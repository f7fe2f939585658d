package hostile_test

import (
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// pureOp is one call of an exported pure function on inputs shared by every
// goroutine. It returns what the call returned, errors as text.
type pureOp struct {
	name string
	run  func() any
}

func result(v any, err error) any {
	if err != nil {
		return "error: " + err.Error()
	}
	return v
}

func result3[A, B any](a A, b B, err error) any {
	if err != nil {
		return "error: " + err.Error()
	}
	return []any{a, b}
}

// pureOps calls every exported pure function of the library on one set of
// shared inputs (which the race detector will flag if any call writes them).
func pureOps(t *testing.T) []pureOp {
	dir := t.TempDir()
	writeFile(t, dir, "files/a.txt", "A")
	writeFile(t, dir, "files/b.txt", "B")
	writeFile(t, dir, "app.env", "USER=u\nPASS=p\n")
	writeFile(t, dir, "dir/c.txt", "C")
	writeFile(t, dir, "tree/x/y.txt", "Y")
	writeFile(t, dir, "tree/z", "Z")
	certPEM, keyPEM := selfSigned(t)
	sshKey, _ := sshKeys(t)

	secret, err := encode.Generic("app", encode.Literal("k", "v"), encode.Tree(filepath.Join(dir, "tree")))
	if err != nil {
		t.Fatal(err)
	}
	overlay := secretWith("app", map[string]string{"k2": "v2"})
	manifest, err := encode.Marshal(secret, "yaml")
	if err != nil {
		t.Fatal(err)
	}
	canonical := []string{
		"env:DB_PASSWORD=db/password", "envFrom:app;prefix=APP_", "mount:/etc/app=app;items=tls.crt:certs/tls.crt", "pull:registry",
		"gitSSH:/etc/git-ssh=git;items=hosts:known_hosts",
	}
	var refs []secretspec.Ref
	for _, s := range canonical {
		r, err := secretspec.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		refs = append(refs, r)
	}
	flags := []string{"DB_PASSWORD=SECRET:db,password", "MODE=train", "TOKEN=SECRET:api,token"}
	transform := []byte(`{"transform":{"secrets":[{"name":"db","env_var":"DB","key":"password"},{"name":"certs","mount_path":"/certs"}],"image_pull_secrets":["reg"]}}`)
	mounts := []pachyderm.SecretMount{{Name: "db", Key: "password", EnvVar: "DB"}, {Name: "certs", MountPath: "/certs"}}
	flyteSecrets := []flyte.Secret{{Group: "aws", Key: "key", MountRequirement: flyte.MountEnvVar}, {Group: "gcp", Key: "json", MountRequirement: flyte.MountFile, EnvVar: "GOOGLE_APPLICATION_CREDENTIALS"}}
	annotations, err := flyte.EncodeAnnotations(flyteSecrets)
	if err != nil {
		t.Fatal(err)
	}
	konSecrets := []corev1.Secret{*konduktorSecret("creds-alice", "creds", konduktor.KindDefault, "k"), *konduktorSecret("env-alice", "env", konduktor.KindEnv, "TOKEN")}
	pod := &corev1.Pod{}
	pod.Name, pod.Namespace = "p", "ns"
	pod.Spec.Containers = []corev1.Container{{Name: "main", Image: "busybox", Env: []corev1.EnvVar{{Name: "MODE", Value: "x"}}}}
	pod.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox"}}
	after, err := inject.ApplyPod(pod, refs)
	if err != nil {
		t.Fatal(err)
	}
	plain := []corev1.EnvVar{{Name: "EXTRA", Value: "1"}}

	return []pureOp{
		{"encode.Generic", func() any {
			return result(encode.Generic("g", encode.Literal("lit", "v"), encode.File(filepath.Join(dir, "files/a.txt")),
				encode.FileAs("renamed", filepath.Join(dir, "files/b.txt")), encode.Dir(filepath.Join(dir, "dir")),
				encode.Tree(filepath.Join(dir, "tree"))))
		}},
		{"encode.Generic (env file)", func() any { // kubectl combines an env file with no other source
			return result(encode.Generic("e", encode.EnvFile(filepath.Join(dir, "app.env"))))
		}},
		{"encode.DockerRegistry", func() any { return result(encode.DockerRegistry("reg", "", "u", "p", "e@x")) }},
		{"encode.TLS", func() any { return result(encode.TLS("tls", certPEM, keyPEM)) }},
		{"encode.SSHAuth", func() any { return result(encode.SSHAuth("ssh", sshKey, nil)) }},
		{"encode.BasicAuth", func() any { return result(encode.BasicAuth("basic", "u", "p")) }},
		{"encode.Decode", func() any { return result(encode.Decode(manifest)) }},
		{"encode.Marshal", func() any { return result(encode.Marshal(secret, "json")) }},
		{"encode.Validate", func() any { return encode.Validate(secret) }},
		{"encode.Merge", func() any { return result(encode.Merge(secret, overlay)) }},
		{"encode.Hash", func() any { return encode.Hash(secret) }},
		{"encode.WithHashSuffix", func() any { return encode.WithHashSuffix(secret) }},
		{"encode.TreeItems", func() any { return result(encode.TreeItems(secret)) }},
		{"encode.TreeKey", func() any { return encode.TreeKey("tree/x/y.txt") }},
		{"secretspec.Parse", func() any {
			var out []any
			for _, s := range canonical {
				out = append(out, result(secretspec.Parse(s)))
			}
			return out
		}},
		{"secretspec.Ref.String", func() any {
			var out []string
			for _, r := range refs {
				out = append(out, r.String())
			}
			return out
		}},
		{"secretspec.ValidateRefs", func() any { return secretspec.ValidateRefs(refs, field.NewPath("refs")) }},
		{"secretspec.Ref.Validate", func() any { return refs[4].Validate(field.NewPath("ref")) }},
		{"runai.ParseEnvs", func() any {
			r, x, err := runai.ParseEnvs(flags)
			return result3(r, x, err)
		}},
		{"runai.ParseEnv", func() any { return result3(runai.ParseEnv(flags[0])) }},
		{"pachyderm.ParseTransform", func() any { return result(pachyderm.ParseTransform(transform)) }},
		{"pachyderm.Refs", func() any { return result(pachyderm.Refs(mounts, []string{"reg"})) }},
		{"flyte.EncodeAnnotations", func() any { return result(flyte.EncodeAnnotations(flyteSecrets)) }},
		{"flyte.DecodeAnnotations", func() any { return result(flyte.DecodeAnnotations(annotations)) }},
		{"flyte.Refs", func() any { return result3(flyte.Refs(flyteSecrets)) }},
		{"flyte.Env", func() any { return flyte.Env() }},
		{"konduktor.Refs", func() any { return result3(konduktor.Refs(konSecrets, "alice", "")) }},
		{"konduktor.SecretName", func() any { return result(konduktor.SecretName("creds", "alice")) }},
		{"konduktor.Labels", func() any { return result(konduktor.Labels("creds", "alice", konduktor.KindEnv)) }},
		{"inject.Apply", func() any { return result(inject.Apply(&pod.Spec, refs, inject.WithEnv(plain...))) }},
		{"inject.ApplyPod", func() any {
			return result(inject.ApplyPod(pod, refs, inject.WithConflictPolicy(inject.ConflictOverride), inject.WithInitContainers(false)))
		}},
		{"inject.Patch", func() any {
			p, err := inject.Patch(pod, after)
			return result(string(p), err)
		}},
	}
}

func konduktorSecret(name, basename, kind, key string) *corev1.Secret {
	s := secretWith(name, map[string]string{key: "v"})
	s.Labels = map[string]string{konduktor.LabelOwner: "alice", konduktor.LabelBasename: basename, konduktor.LabelKind: kind, "parent": "konduktor"}
	return s
}

// TestConcurrentPureFunctions calls every exported pure function from many
// goroutines at once, on shared inputs, and checks each result equals the one
// a sequential call gave. Run it with -race: a write to a shared input or to
// package state is a data race.
func TestConcurrentPureFunctions(t *testing.T) {
	ops := pureOps(t)
	want := make([]any, len(ops))
	for i, op := range ops {
		want[i] = op.run()
		if s, ok := want[i].(string); ok && len(s) > 7 && s[:7] == "error: " {
			t.Fatalf("%s failed sequentially: %s", op.name, s)
		}
	}
	const goroutines = 8
	rounds := 5
	if testing.Short() {
		rounds = 1
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	differ := map[string]bool{}
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range rounds {
				for _, i := range rng.Perm(len(ops)) {
					if got := ops[i].run(); !cmp.Equal(want[i], got) {
						mu.Lock()
						differ[ops[i].name] = true
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	for name := range differ {
		// The values are not printed: a result may hold secret data.
		t.Errorf("%s: a concurrent call gave a result that differs from the sequential one", name)
	}
	// The shared inputs are unchanged: a second sequential pass still agrees.
	for i, op := range ops {
		if !cmp.Equal(want[i], op.run()) {
			t.Errorf("%s: result changed after the concurrent calls (an input was modified?)", op.name)
		}
	}
}
