package encode

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
)

func TestDockerRegistry(t *testing.T) {
	s, err := DockerRegistry("reg", "", "u", "p", "")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","auth":"dTpw"}}}`
	if got := string(s.Data[corev1.DockerConfigJsonKey]); got != want {
		t.Errorf(".dockerconfigjson differs from kubectl's form:\n got %s\nwant %s", got, want)
	}
	if s.Type != corev1.SecretTypeDockerConfigJson {
		t.Errorf("type %q", s.Type)
	}
	for _, tc := range []struct{ user, pass string }{{"", secretValue}, {"u", ""}} {
		_, err := DockerRegistry("reg", "", tc.user, tc.pass, "")
		if err == nil || !strings.Contains(err.Error(), "username and password are required") {
			t.Errorf("user %q: want a required error, got %v", tc.user, err)
		}
		noLeak(t, err, secretValue)
	}
	if _, err := DockerRegistry("Bad_Name", "", "u", secretValue, ""); err == nil {
		t.Error("an invalid name is accepted")
	}
}

func TestTLSErrors(t *testing.T) {
	cert, key := testPair(t)
	_, otherKey := testPair(t)
	for _, tc := range []struct {
		name      string
		cert, key []byte
	}{
		{"mismatched key", cert, otherKey},
		{"garbage", []byte(secretValue), []byte(secretValue)},
		{"swapped", key, cert},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := TLS("web", tc.cert, tc.key)
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != "tls.key" {
				t.Fatalf("want a *KeyError on tls.key, got %v", err)
			}
			noLeak(t, err, secretValue, string(key), string(otherKey))
		})
	}
	s, err := TLS("web", cert, key)
	if err != nil {
		t.Fatal(err)
	}
	cert[0] = 'X'
	if s.Data["tls.crt"][0] == 'X' {
		t.Error("TLS shares memory with its argument")
	}
}

// sshKey returns an OpenSSH private key, encrypted when passphrase is set.
func sshKey(t *testing.T, passphrase string) []byte {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "test")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

const knownHostsLine = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"

func TestSSHAuth(t *testing.T) {
	key := sshKey(t, "")
	s, err := SSHAuth("git", key, []byte("# comment\n\n"+knownHostsLine))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"known_hosts", "ssh-privatekey"}, sortedKeys(s.Data)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if s.Type != corev1.SecretTypeSSHAuth {
		t.Errorf("type %q", s.Type)
	}
	s, err = SSHAuth("git", key, nil)
	if err != nil || len(s.Data) != 1 {
		t.Errorf("without known_hosts: want one key, got %v", err)
	}
	for _, tc := range []struct {
		name       string
		key, hosts []byte
		want       string
	}{
		{"passphrase", sshKey(t, "pw"), nil, "passphrase-protected"},
		{"garbage", []byte(secretValue), nil, "not a private key"},
		{"empty", nil, nil, "not a private key"},
		{"bad known_hosts", key, []byte(knownHostsLine + secretValue + "\n"), "line 2 is not a known_hosts entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SSHAuth("git", tc.key, tc.hosts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			noLeak(t, err, secretValue, string(key))
		})
	}
}

func TestBasicAuth(t *testing.T) {
	s, err := BasicAuth("db", "", "pw")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"username": []byte(""), "password": []byte("pw")}
	if diff := cmp.Diff(want, s.Data); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
	if _, err := BasicAuth("db", "", ""); err == nil {
		t.Error("empty username and password accepted")
	}
	if _, err := BasicAuth("db", "u", strings.Repeat("x", MaxSize)); err == nil {
		t.Error("1 MiB password plus a username accepted")
	}
	if _, err := BasicAuth("db", "", strings.Repeat("x", MaxSize)); err != nil {
		t.Errorf("a password of exactly 1 MiB refused: %v", err)
	}
}
