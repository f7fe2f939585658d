package preflight

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// FuzzCheckContent feeds arbitrary data to the parsers Check runs on pull secrets, private keys
// and known_hosts: no panic, and no message quotes the data (the seeds' marker ZZZZ, which no message holds).
func FuzzCheckContent(f *testing.F) {
	f.Add([]byte(`{"auths":{"r":{"auth":"dTpw"}}}`))
	f.Add([]byte(`{"auths":{"r":{"auth":"ZZZZSECRETZZZZ"}}}`))
	f.Add([]byte("-----BEGIN OPENSSH PRIVATE KEY-----\nZZZZSECRETZZZZ\n-----END OPENSSH PRIVATE KEY-----\n"))
	f.Add([]byte("host ssh-ed25519 ZZZZSECRETZZZZ\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &mapGetter{secrets: map[string]*corev1.Secret{
			"json": {Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: data}},
			"cfg":  {Type: corev1.SecretTypeDockercfg, Data: map[string][]byte{corev1.DockerConfigKey: data}},
			"ssh":  {Data: map[string][]byte{"ssh-privatekey": data, "known_hosts": data}},
		}}
		for _, s := range g.secrets {
			s.Name = "x"
		}
		refs := []secretspec.Ref{
			{Secret: "json", As: secretspec.PullSecret},
			{Secret: "cfg", As: secretspec.PullSecret},
			{Secret: "ssh", As: secretspec.GitSSH, Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}},
		}
		errs, warnings := Check(g, refs, field.NewPath("refs"))
		for _, e := range append(errs, warnings...) {
			if strings.Contains(e.Error(), "ZZZZ") {
				t.Fatalf("a message quotes the data")
			}
		}
	})
}
