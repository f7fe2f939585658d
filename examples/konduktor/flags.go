package main

import (
	"flag"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
)

// common holds the flags every command shares.
type common struct {
	cluster   cli.ClusterFlags
	namespace string
	user      string
}

// register adds the shared flags to fs.
func (c *common) register(fs *flag.FlagSet) {
	c.cluster.Register(fs)
	fs.StringVar(&c.namespace, "namespace", "default", "namespace of the secrets and workloads")
	fs.StringVar(&c.user, "user", "", "owner id, a DNS-1123 label (default $KONDUKTOR_USER, else $USER)")
}

// owner returns the owner id: --user, $KONDUKTOR_USER or $USER, checked to be a
// DNS-1123 label.
func (c *common) owner(env cli.Env) (string, error) {
	owner, from := c.user, "--user"
	if owner == "" {
		owner, from = env.LookupEnv("KONDUKTOR_USER"), "$KONDUKTOR_USER"
	}
	if owner == "" {
		owner, from = env.LookupEnv("USER"), "$USER"
	}
	if owner == "" {
		return "", cli.Usagef("no owner: give --user or set KONDUKTOR_USER")
	}
	if errs := validation.IsDNS1123Label(owner); len(errs) > 0 {
		return "", cli.Usagef("owner %q from %s is not a DNS-1123 label (%s); give --user", owner, from, strings.Join(errs, "; "))
	}
	return owner, nil
}

// setup parses args with the shared flags (and any extra ones) and returns the client,
// the owner and the positional arguments.
func (c *common) setup(env cli.Env, fs *flag.FlagSet, args []string) (kubernetes.Interface, string, []string, error) {
	c.register(fs)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return nil, "", nil, err
	}
	owner, err := c.owner(env)
	if err != nil {
		return nil, "", nil, err
	}
	client, err := c.cluster.Client(env)
	if err != nil {
		return nil, "", nil, err
	}
	return client, owner, pos, nil
}
