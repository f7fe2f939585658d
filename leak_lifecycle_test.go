package podsecrets_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
)

// lifecycleLeakCases drive preflight, the secrets hash and the rollout controller with
// sentinels in the Secrets they read.
func lifecycleLeakCases(t *testing.T) []leakCase {
	S := sentinel
	_, sshEncrypted := sshKeys(t)
	typed := func(name string, typ corev1.SecretType, data map[string]string) *corev1.Secret {
		s := secretWith(name, data)
		s.Namespace, s.Type, s.UID = "team", typ, types.UID("uid-"+name)
		return s
	}
	check := func(s *corev1.Secret, refs ...secretspec.Ref) func(*testing.T, context.Context) leakOut {
		return func(_ *testing.T, ctx context.Context) leakOut {
			errs, warnings := preflight.Check(preflight.FromClient(ctx, fake.NewClientset(s), "team"), refs, field.NewPath("refs"))
			return leakOut{errors: append(errs, warnings...)}
		}
	}
	pull := secretspec.Ref{Secret: "reg", As: secretspec.PullSecret}
	gitSSH := secretspec.Ref{Secret: "ssh", As: secretspec.GitSSH, Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}}
	P := "preflight.Check"
	return []leakCase{
		{P, "dockerconfigjson not JSON", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"` + S + `":`}), pull)},
		{P, "dockerconfigjson number where a string goes", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"auth":` + numSentinel + `}}}`}), pull)},
		{P, "dockerconfigjson auth not user:password", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"auth":"` + b64(S) + `"}}}`}), pull)},
		{P, "dockercfg not JSON", true, check(typed("reg", corev1.SecretTypeDockercfg, map[string]string{".dockercfg": S}), pull)},
		{P, "pull secret of the wrong type", true, check(typed("reg", corev1.SecretTypeOpaque, map[string]string{".dockerconfigjson": S}), pull)},
		{P, "gitSSH key garbage, known_hosts garbage", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": S, "known_hosts": "github.com " + sentinel2 + "\n"}), gitSSH)},
		{P, "gitSSH PEM block of garbage", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": string(pemBlock("OPENSSH PRIVATE KEY", S))}), gitSSH)},
		{P, "gitSSH key passphrase-protected", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": string(sshEncrypted)}), gitSSH)},
		{P, "env key missing beside secret keys", true, check(typed("db", "", map[string]string{"password": S}), secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T"})},
		{P, "envFrom invalid names", true, check(typed("db", "", map[string]string{"A=B": S, "C": sentinel2}), secretspec.Ref{Secret: "db", As: secretspec.EnvFrom})},
	}
}
