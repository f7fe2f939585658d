package leader_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/rollout"
)

// TestControllersConfigureAlike gives propagate's and rollout's controllers the same leader
// election settings and wants the same problems, word for word, at the same field names
// (after each package's prefix): the two are configured one way.
func TestControllersConfigureAlike(t *testing.T) {
	type election struct {
		name, namespace, identity string
		duration, deadline, retry time.Duration
	}
	for _, tc := range []struct {
		name string
		e    election
		want []string // the problems, by field
	}{
		{"none", election{}, nil},
		{"defaults", election{name: "lease", namespace: "ns", identity: "pod-1"}, nil},
		{"lease name only", election{name: "lease"}, []string{"config.leaseNamespace", "config.identity"}},
		{"bad names", election{name: "Lease!", namespace: "Bad_NS", identity: "pod-1"}, []string{"config.leaseName", "config.leaseNamespace"}},
		{"timing", election{name: "lease", namespace: "ns", identity: "pod-1", duration: time.Second, deadline: 2 * time.Second}, []string{"config.leaseDuration"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pcfg := propagate.RunAIConfig()
			pcfg.LeaseName, pcfg.LeaseNamespace, pcfg.Identity = tc.e.name, tc.e.namespace, tc.e.identity
			pcfg.LeaseDuration, pcfg.RenewDeadline, pcfg.RetryPeriod = tc.e.duration, tc.e.deadline, tc.e.retry
			_, perr := propagate.NewController(fake.NewClientset(), pcfg)
			rcfg := rollout.Config{LeaseName: tc.e.name, LeaseNamespace: tc.e.namespace, Identity: tc.e.identity,
				LeaseDuration: tc.e.duration, RenewDeadline: tc.e.deadline, RetryPeriod: tc.e.retry}
			_, rerr := rollout.NewController(fake.NewClientset(), rcfg)
			p, r := problems(t, "propagate", perr), problems(t, "rollout", rerr)
			if diff := cmp.Diff(p, r); diff != "" {
				t.Errorf("propagate and rollout differ (-propagate +rollout):\n%s", diff)
			}
			var fields []string
			for _, line := range p {
				fields = append(fields, strings.SplitN(line, ":", 2)[0])
			}
			if diff := cmp.Diff(tc.want, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// problems returns the lines of a NewController error without the package's prefix.
func problems(t *testing.T, pkg string, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	msg, ok := strings.CutPrefix(err.Error(), pkg+": NewController: ")
	if !ok {
		t.Fatalf("%s error without its prefix: %v", pkg, err)
	}
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line == "" || strings.HasSuffix(line, "problems:") {
			continue
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no problem in %v", pkg, err)
	}
	return out
}
