package flyte

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/podsecrets/podsecrets/secretspec"
)

// benchRequests is a pod's worth of requests: ten keys of five groups, half as files.
func benchRequests() []Secret {
	var in []Secret
	for i := 0; i < 10; i++ {
		in = append(in, Secret{Group: "group-" + strconv.Itoa(i%5), Key: "key_" + strconv.Itoa(i), MountRequirement: MountType(1 + i%2), EnvVar: "VAR_" + strconv.Itoa(i)})
	}
	return in
}

func BenchmarkEncodeAnnotations(b *testing.B) {
	in := benchRequests()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeAnnotations(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhookPath is what a webhook does per pod: decode the annotations, build the refs.
func BenchmarkWebhookPath(b *testing.B) {
	ann, err := EncodeAnnotations(benchRequests())
	if err != nil {
		b.Fatal(err)
	}
	ann["app.kubernetes.io/name"] = "task"
	b.ReportAllocs()
	for b.Loop() {
		secrets, err := DecodeAnnotations(ann)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Refs(secrets); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan plans the golden requests of each manager; the baseline is a DeepCopy of the
// Extras Plan returns, measured in the same run.
func BenchmarkPlan(b *testing.B) {
	for _, m := range []Manager{ManagerK8s, ManagerVault, ManagerAWS, ManagerGCP, ManagerAzure} {
		in, cfg := goldenRequests(m), configFor(m)
		b.Run(string(m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Plan(in, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
		_, x, err := Plan(in, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(m)+"/baseline-deepcopy", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = deepCopyExtras(x)
			}
		})
	}
}

func deepCopyExtras(x secretspec.Extras) secretspec.Extras {
	out := secretspec.Extras{Containers: slices.Clone(x.Containers), Annotations: maps.Clone(x.Annotations)}
	for _, v := range x.Env {
		out.Env = append(out.Env, *v.DeepCopy())
	}
	for _, v := range x.Mounts {
		out.Mounts = append(out.Mounts, *v.DeepCopy())
	}
	for _, v := range x.Volumes {
		out.Volumes = append(out.Volumes, *v.DeepCopy())
	}
	for _, c := range x.InitContainers {
		out.InitContainers = append(out.InitContainers, *c.DeepCopy())
	}
	return out
}

// BenchmarkParseConfig reads a whole propeller configuration file with a Vault section.
func BenchmarkParseConfig(b *testing.B) {
	data := []byte("propeller:\n  workers: 4\nwebhook:\n  certDir: /etc/webhook/certs\n  secretManagerType: Vault\n  vaultSecretManager:\n    role: flyte\n    kvVersion: \"2\"\n    annotations:\n      vault.hashicorp.com/auth-path: auth/k8s\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConfig(data); err != nil {
			b.Fatal(err)
		}
	}
}
