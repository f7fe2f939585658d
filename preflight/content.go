package preflight

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"

	"golang.org/x/crypto/ssh"
)

// privateKeyProblem says why data is no private key a pod's ssh can use ("" when it is one).
func privateKeyProblem(data []byte) string {
	_, err := ssh.ParseRawPrivateKey(data)
	var pm *ssh.PassphraseMissingError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pm):
		return "is passphrase-protected; ssh in a pod cannot ask for the passphrase, so store it decrypted"
	}
	return "is not a private key golang.org/x/crypto/ssh can parse (PEM or OpenSSH format)"
}

// knownHostsProblem returns the number of the first line of data that is not a known_hosts
// entry, or 0.
func knownHostsProblem(data []byte) int {
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if _, _, _, _, _, err := ssh.ParseKnownHosts(line); err != nil {
			return n + 1
		}
	}
	return 0
}

// dockerAuth is one registry's entry, as the kubelet reads it.
type dockerAuth struct {
	Auth string `json:"auth"`
}

// dockerConfigProblem says why data is not a docker config the kubelet parses: with isJSON
// the .dockerconfigjson form {"auths": {registry: entry}}, else the .dockercfg form {registry:
// entry}. An entry's auth, when set, must be base64 of "user:password", as the kubelet decodes
// it. The messages quote nothing of data.
func dockerConfigProblem(data []byte, isJSON bool) string {
	var entries map[string]dockerAuth
	if isJSON {
		var cfg struct {
			Auths map[string]dockerAuth `json:"auths"`
		}
		if json.Unmarshal(data, &cfg) != nil {
			return `is not a JSON docker config ({"auths": {"<registry>": {...}}})`
		}
		entries = cfg.Auths
	} else if json.Unmarshal(data, &entries) != nil {
		return `is not a JSON docker config ({"<registry>": {...}})`
	}
	for _, e := range entries {
		if e.Auth == "" {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(e.Auth)
		if err != nil || !bytes.Contains(dec, []byte(":")) {
			return `has a registry entry whose "auth" is not base64 of "user:password"; the kubelet refuses the whole config`
		}
	}
	return ""
}
