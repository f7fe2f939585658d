package encode

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"

	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
)

// KnownHostsKey is the key SSHAuth stores known_hosts under.
const KnownHostsKey = "known_hosts"

// SSHAuth makes a Secret of type kubernetes.io/ssh-auth: ssh-privatekey holds
// privateKey, which must parse with golang.org/x/crypto/ssh's
// ParseRawPrivateKey, and known_hosts, when knownHosts is not empty, holds
// knownHosts, each of whose non-blank, non-comment lines must parse as a
// known_hosts entry.
//
// A passphrase-protected key is refused: a pod has nobody to type the
// passphrase, so git or ssh would fail at run time; decrypt it first.
func SSHAuth(name string, privateKey, knownHosts []byte) (*corev1.Secret, error) {
	if _, err := ssh.ParseRawPrivateKey(privateKey); err != nil {
		var pm *ssh.PassphraseMissingError
		reason := "not a private key golang.org/x/crypto/ssh can parse"
		if errors.As(err, &pm) {
			reason = "the private key is passphrase-protected; a pod cannot type the passphrase, so store it decrypted"
		}
		return nil, &KeyError{Source: "ssh-auth", Key: corev1.SSHAuthPrivateKey, Reason: reason}
	}
	b := newBuilder()
	if err := b.add("ssh-auth", corev1.SSHAuthPrivateKey, bytes.Clone(privateKey)); err != nil {
		return nil, err
	}
	if len(knownHosts) != 0 {
		if err := checkKnownHosts(knownHosts); err != nil {
			return nil, err
		}
		if err := b.add("ssh-auth", KnownHostsKey, bytes.Clone(knownHosts)); err != nil {
			return nil, err
		}
	}
	return b.secret(name, corev1.SecretTypeSSHAuth)
}

// checkKnownHosts parses every entry line, naming the first bad line number.
func checkKnownHosts(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if _, _, _, _, _, err := ssh.ParseKnownHosts(line); err != nil {
			return &KeyError{Source: "ssh-auth", Key: KnownHostsKey, Reason: "line " + strconv.Itoa(n) + " is not a known_hosts entry"}
		}
	}
	return nil
}
