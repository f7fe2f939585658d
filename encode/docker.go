package encode

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// DefaultDockerServer is the registry kubectl create secret docker-registry
// uses when no server is given.
const DefaultDockerServer = "https://index.docker.io/v1/"

// DockerRegistry is kubectl create secret docker-registry: a Secret of type
// kubernetes.io/dockerconfigjson whose .dockerconfigjson is, byte for byte,
// kubectl's {"auths":{server:{"username","password","email","auth"}}} with
// auth = base64(username:password) and an empty email left out. An empty
// server means DefaultDockerServer; username and password are required.
func DockerRegistry(name, server, username, password, email string) (*corev1.Secret, error) {
	if username == "" || password == "" {
		return nil, fmt.Errorf("encode: docker-registry %q: username and password are required", name)
	}
	if server == "" {
		server = DefaultDockerServer
	}
	type entry struct {
		Username string `json:"username,omitempty"`
		Password string `json:"password,omitempty"`
		Email    string `json:"email,omitempty"`
		Auth     string `json:"auth,omitempty"`
	}
	type config struct {
		Auths map[string]entry `json:"auths"`
	}
	cfg, err := json.Marshal(config{Auths: map[string]entry{server: {
		Username: username,
		Password: password,
		Email:    email,
		Auth:     base64.StdEncoding.EncodeToString([]byte(username + ":" + password)),
	}}})
	if err != nil { // cannot happen: strings always encode
		return nil, fmt.Errorf("encode: docker-registry %q: cannot encode the config", name)
	}
	b := newBuilder()
	if err := b.add("docker-registry", corev1.DockerConfigJsonKey, cfg); err != nil {
		return nil, err
	}
	return b.secret(name, corev1.SecretTypeDockerConfigJson)
}
