package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
)

// leastPrivilege is one deploy directory whose RBAC the suite proves: with every rule the
// controller does its work and the API server refuses it nothing; with any one verb of any
// rule removed (for one resource of the rule at a time), the API server answers Forbidden to
// a request for exactly that verb and resource, or the work is not done within Bound. A verb
// the controller does its work without is reported as not needed; a verb another rule grants
// as well, as an overlap.
//
// To prove a directory: give its path, say how to run the controller and what its work is
// (Scenario), and add a subtest that calls c.proveLeastPrivilege. The controller runs with
// the ServiceAccount's own token through a counting proxy: in this process with run.Config,
// or as a program with run.Kubeconfig and run.Env.
type leastPrivilege struct {
	// Dir is the deploy directory: a kustomization.yaml and plain YAML, built as
	// `kubectl apply -k` builds it.
	Dir string
	// Substitute, when set, changes the built objects before they are applied, for what the
	// test server cannot do as a cluster would (a webhook's Service becomes a URL). It may
	// return other objects.
	Substitute func(t *testing.T, objs []*unstructured.Unstructured) []*unstructured.Unstructured
	// ServiceAccount is whose permissions the controller runs with; zero means the
	// ServiceAccount of the directory's only Deployment.
	ServiceAccount types.NamespacedName
	// Scenario starts the controller as run says, drives it and waits for its work. It
	// returns nil once the work is done, or, when ctx ends first, an error saying what was
	// not done. It stops what it started before it returns, and cleans up after itself (it
	// runs once per verb, in a subtest of its own). t is for the test's own steps (creating
	// what the controller works on, as the cluster admin); the controller's failures are not
	// the test's: they are what a run with a verb less is for.
	Scenario func(ctx context.Context, t *testing.T, run *privilegeRun) error
	// Bound is how long the work may take before it counts as not done; 0 means a minute.
	Bound time.Duration
}

// privilegeRun is one run of a Scenario.
type privilegeRun struct {
	// Name says which permissions the run has: "every rule", or "without list secrets".
	Name string
	// Seq is 0 for the run with every rule and counts the others: a Scenario uses it to give
	// the objects of each run names of their own.
	Seq int
	// Removed is the access taken away; nil in the run with every rule.
	Removed *access
	// Config reaches the API server with the ServiceAccount's permissions, for a controller
	// in this process; set its QPS and Burst as the program would.
	Config *rest.Config
	// Kubeconfig does the same for a program run as a process, which also gets Env.
	Kubeconfig string
	// Env is the environment for a program: the test's, KUBECONFIG, and client-go's streaming
	// lists off (KUBE_FEATURE_WatchListClient=false), so that informers LIST as they do on
	// an API server that does not stream lists; list is proven needed for them too.
	Env []string
	// Objects are the directory's objects as applied.
	Objects []*unstructured.Unstructured
	// Counter counts the requests the controller made and those refused.
	Counter *accessCounter
}

// privilegeOutcome is what one run with a verb removed showed.
type privilegeOutcome struct {
	Role    string // "ClusterRole podsecrets-runai-copier, rule 0"
	Removed access
	Refused int   // requests for Removed answered Forbidden
	WorkErr error // nil: the work was done
	Overlap bool  // another rule of the directory grants Removed too: it was not run
}

// needed reports whether the run shows the verb is needed.
func (o privilegeOutcome) needed() bool { return !o.Overlap && (o.Refused > 0 || o.WorkErr != nil) }

// String says what the run showed.
func (o privilegeOutcome) String() string {
	switch {
	case o.Overlap:
		return fmt.Sprintf("%s: without %s: still granted by another rule (rules overlap)", o.Role, o.Removed)
	case o.Refused > 0:
		return fmt.Sprintf("%s: without %s: refused %d times", o.Role, o.Removed, o.Refused)
	case o.WorkErr != nil:
		return fmt.Sprintf("%s: without %s: no request refused, work not done: %v", o.Role, o.Removed, o.WorkErr)
	}
	return fmt.Sprintf("%s: without %s: work done, nothing refused: the verb is not needed", o.Role, o.Removed)
}

// proveLeastPrivilege runs lp's proof and fails t for every verb that is not needed or
// overlaps with another rule, and when the controller does not work with every rule.
func (c *cluster) proveLeastPrivilege(t *testing.T, lp leastPrivilege) {
	t.Helper()
	for _, o := range c.leastPrivilegeRuns(t, lp) {
		if o.needed() {
			t.Log(o)
		} else {
			t.Error(o)
		}
	}
}

// rbacRole is a Role or ClusterRole of a deploy directory, with where its rules apply.
type rbacRole struct {
	obj       *unstructured.Unstructured
	rules     []rbacv1.PolicyRule
	namespace string // the namespace the rules are granted in; "" = every namespace
}

// name reads "Role runai/podsecrets-leases".
func (r rbacRole) name() string {
	if ns := r.obj.GetNamespace(); ns != "" {
		return r.obj.GetKind() + " " + ns + "/" + r.obj.GetName()
	}
	return r.obj.GetKind() + " " + r.obj.GetName()
}

// withRules returns the role's object with rules in place of its own.
func (r rbacRole) withRules(t *testing.T, rules []rbacv1.PolicyRule) *unstructured.Unstructured {
	t.Helper()
	obj := r.obj.DeepCopy()
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&rbacv1.Role{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	obj.Object["rules"] = u["rules"]
	return obj
}

// leastPrivilegeRuns applies lp.Dir, runs the Scenario with every rule (failing t unless it
// works and nothing is refused), then once per verb of every rule and resource without it,
// and returns what each of those runs showed.
func (c *cluster) leastPrivilegeRuns(t *testing.T, lp leastPrivilege) []privilegeOutcome {
	t.Helper()
	objs := buildDeploy(t, lp.Dir)
	if lp.Substitute != nil {
		objs = lp.Substitute(t, objs)
	}
	c.applyDeploy(t, objs)

	sa := lp.ServiceAccount
	if sa.Name == "" {
		ds := deployKind[appsv1.Deployment](t, objs, "Deployment")
		if len(ds) != 1 {
			t.Fatalf("%s: %d Deployments; say which ServiceAccount to prove", lp.Dir, len(ds))
		}
		sa = serviceAccountOf(ds[0])
	}
	roles := rbacRoles(t, objs, sa)
	if len(roles) == 0 {
		t.Fatalf("%s: no Role or ClusterRole is bound to ServiceAccount %s", lp.Dir, sa)
	}
	bound := lp.Bound
	if bound == 0 {
		bound = time.Minute
	}
	token := c.serviceAccountToken(t, sa)
	a := c.applier(t)

	seq := 0
	run := func(name string, removed *access) (*accessCounter, error) {
		var counter *accessCounter
		var err error
		t.Run(name, func(t *testing.T) {
			p := c.accountProxy(t, token)
			counter = p.counter
			ctx, cancel := context.WithTimeout(context.Background(), bound)
			defer cancel()
			if removed != nil {
				// Seen refused: the proof is made, the rest of the run would show nothing more.
				counter.onForbidden = func(a access) {
					if a == *removed {
						cancel()
					}
				}
			}
			r := &privilegeRun{
				Name: name, Seq: seq, Removed: removed, Config: rest.CopyConfig(p.config),
				Kubeconfig: p.kubeconfig, Objects: objs, Counter: counter,
				Env: append(os.Environ(), "KUBECONFIG="+p.kubeconfig, "KUBE_FEATURE_WatchListClient=false"),
			}
			seq++
			began := time.Now()
			err = lp.Scenario(ctx, t, r)
			t.Logf("%s: %v; work: %v; requests: %s; refused: %s", name, time.Since(began).Round(time.Millisecond),
				errOrDone(err), counter.made(), counter.refusals())
		})
		return counter, err
	}

	counter, err := run("every rule", nil)
	if err != nil {
		t.Fatalf("%s with every rule: the work was not done: %v", lp.Dir, err)
	}
	if refused := counter.refusals(); refused != "none" {
		t.Fatalf("%s with every rule: the API server refused %s; the rules miss a permission", lp.Dir, refused)
	}

	var outcomes []privilegeOutcome
	for _, role := range roles {
		for i, rule := range role.rules {
			for _, atom := range ruleAccesses(t, role, rule) {
				o := privilegeOutcome{Role: fmt.Sprintf("%s, rule %d", role.name(), i), Removed: atom}
				if o.Overlap = overlaps(roles, role, i, atom); o.Overlap {
					outcomes = append(outcomes, o)
					continue
				}
				if err := a.apply(context.Background(), role.withRules(t, without(role.rules, i, atom))); err != nil {
					t.Fatal(err)
				}
				if !c.waitAllowed(t, sa, role.namespace, atom, rule.ResourceNames, false) {
					t.Fatalf("%s: without %s in rule %d the API server still allows it: something outside %s grants it", role.name(), atom, i, lp.Dir)
				}
				counter, err := run("without "+atom.String(), &atom)
				o.Refused, o.WorkErr = counter.refused(atom), err
				outcomes = append(outcomes, o)
				if err := a.apply(context.Background(), role.obj); err != nil {
					t.Fatal(err)
				}
				if !c.waitAllowed(t, sa, role.namespace, atom, rule.ResourceNames, true) {
					t.Fatalf("%s: %s not granted again after the rule was restored", role.name(), atom)
				}
			}
		}
	}
	return outcomes
}

func errOrDone(err error) string {
	if err == nil {
		return "done"
	}
	return "not done: " + err.Error()
}

// rbacRoles returns the Roles and ClusterRoles the directory binds to sa, with the
// namespace each binding grants them in.
func rbacRoles(t *testing.T, objs []*unstructured.Unstructured, sa types.NamespacedName) []rbacRole {
	t.Helper()
	bindsSA := func(subjects []rbacv1.Subject) bool {
		return slices.ContainsFunc(subjects, func(s rbacv1.Subject) bool {
			return s.Kind == rbacv1.ServiceAccountKind && s.Name == sa.Name && s.Namespace == sa.Namespace
		})
	}
	// namespaces: "Role/ns/name" or "ClusterRole/name" -> where a binding grants it.
	grants := map[string][]string{}
	for _, b := range deployKind[rbacv1.RoleBinding](t, objs, "RoleBinding") {
		if bindsSA(b.Subjects) {
			key := b.RoleRef.Kind + "/" + b.RoleRef.Name
			if b.RoleRef.Kind == "Role" {
				key = "Role/" + b.Namespace + "/" + b.RoleRef.Name
			}
			grants[key] = append(grants[key], b.Namespace)
		}
	}
	for _, b := range deployKind[rbacv1.ClusterRoleBinding](t, objs, "ClusterRoleBinding") {
		if bindsSA(b.Subjects) {
			grants["ClusterRole/"+b.RoleRef.Name] = append(grants["ClusterRole/"+b.RoleRef.Name], "")
		}
	}
	var roles []rbacRole
	for _, obj := range objs {
		var key string
		switch obj.GetKind() {
		case "Role":
			key = "Role/" + obj.GetNamespace() + "/" + obj.GetName()
		case "ClusterRole":
			key = "ClusterRole/" + obj.GetName()
		default:
			continue
		}
		where, ok := grants[key]
		if !ok {
			t.Fatalf("%s %s is bound to no subject that is ServiceAccount %s", obj.GetKind(), obj.GetName(), sa)
		}
		if len(where) != 1 {
			t.Fatalf("%s %s is bound to %s %d times; the proof wants one binding per role", obj.GetKind(), obj.GetName(), sa, len(where))
		}
		var role rbacv1.Role // a ClusterRole's rules read the same
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &role); err != nil {
			t.Fatal(err)
		}
		if obj.GetKind() == "ClusterRole" {
			var cr rbacv1.ClusterRole
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &cr); err != nil {
				t.Fatal(err)
			}
			if cr.AggregationRule != nil {
				t.Fatalf("ClusterRole %s aggregates; the proof wants its rules written out", obj.GetName())
			}
		}
		roles = append(roles, rbacRole{obj: obj, rules: role.Rules, namespace: where[0]})
	}
	return roles
}

// ruleAccesses is every (verb, group, resource) a rule grants, in its order. Wildcards and
// non-resource URLs are refused: least privilege spells out what it grants.
func ruleAccesses(t *testing.T, role rbacRole, rule rbacv1.PolicyRule) []access {
	t.Helper()
	if len(rule.NonResourceURLs) > 0 {
		t.Fatalf("%s: a rule for non-resource URLs; the proof covers resources", role.name())
	}
	var out []access
	for _, g := range rule.APIGroups {
		for _, r := range rule.Resources {
			for _, v := range rule.Verbs {
				if g == "*" || r == "*" || v == "*" {
					t.Fatalf("%s: a wildcard in %v; least privilege names what it grants", role.name(), rule)
				}
				out = append(out, access{Verb: v, Group: g, Resource: r})
			}
		}
	}
	return out
}

// overlaps reports whether a rule other than rule i of role grants atom where role does (in
// role's namespace, or everywhere) to at least the objects rule i names.
func overlaps(roles []rbacRole, role rbacRole, i int, atom access) bool {
	names := role.rules[i].ResourceNames
	for _, other := range roles {
		if other.namespace != "" && other.namespace != role.namespace {
			continue
		}
		for j, rule := range other.rules {
			if other.obj == role.obj && j == i {
				continue
			}
			if slices.Contains(rule.APIGroups, atom.Group) && slices.Contains(rule.Resources, atom.Resource) &&
				slices.Contains(rule.Verbs, atom.Verb) &&
				(len(rule.ResourceNames) == 0 || len(names) > 0 && !slices.ContainsFunc(names, func(n string) bool { return !slices.Contains(rule.ResourceNames, n) })) {
				return true
			}
		}
	}
	return false
}

// without returns rules with atom taken out of rule i: that rule is split into one rule per
// group and resource, and atom's verb dropped from its own.
func without(rules []rbacv1.PolicyRule, i int, atom access) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	out = append(out, rules[:i]...)
	rule := rules[i]
	for _, g := range rule.APIGroups {
		for _, r := range rule.Resources {
			verbs := rule.Verbs
			if g == atom.Group && r == atom.Resource {
				verbs = slices.DeleteFunc(slices.Clone(verbs), func(v string) bool { return v == atom.Verb })
			}
			if len(verbs) > 0 {
				out = append(out, rbacv1.PolicyRule{APIGroups: []string{g}, Resources: []string{r},
					ResourceNames: rule.ResourceNames, Verbs: verbs})
			}
		}
	}
	return append(out, rules[i+1:]...)
}

// waitAllowed waits until the API server's authorizer answers want for sa doing a in
// namespace ns (to a named object when the rule names some), as its RBAC cache catches up
// with an applied role; it returns false if the answer stays otherwise.
func (c *cluster) waitAllowed(t *testing.T, sa types.NamespacedName, ns string, a access, names []string, want bool) bool {
	t.Helper()
	attrs := &authorizationv1.ResourceAttributes{Namespace: ns, Verb: a.Verb, Group: a.Group, Resource: a.Resource}
	if len(names) > 0 {
		attrs.Name = names[0]
	}
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               "system:serviceaccount:" + sa.Namespace + ":" + sa.Name,
		Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + sa.Namespace, "system:authenticated"},
		ResourceAttributes: attrs,
	}}
	for deadline := time.Now().Add(waitLimitShort); ; time.Sleep(50 * time.Millisecond) {
		got, err := c.client.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), review, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SubjectAccessReview for %s: %v", a, err)
		}
		if got.Status.Allowed == want {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// process is a program a Scenario started with start.
type process struct {
	cmd    *exec.Cmd
	output lockedBuffer // standard output and error, interleaved
}

// start runs bin with args and run.Env. The program is stopped (SIGTERM, then killed after a
// minute) when t ends; how it exits is not the test's concern, since a program run with a
// verb less may well fail.
func (run *privilegeRun) start(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...)}
	p.cmd.Env = run.Env
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", filepath.Base(bin), err)
	}
	exited := make(chan struct{})
	go func() {
		_ = p.cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(time.Minute):
			_ = p.cmd.Process.Kill()
			<-exited
			t.Errorf("%s did not stop within a minute of SIGTERM", filepath.Base(bin))
		}
	})
	return p
}

// tail returns the last n bytes of what the program wrote, for a message.
func (p *process) tail(n int) string {
	s := p.output.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// waitWork polls cond every 100 ms until it holds (nil) or ctx ends (an error saying what was
// not done). An error from cond is the test's own (its admin client failed): t fails.
func waitWork(ctx context.Context, t *testing.T, what string, cond func(context.Context) (bool, error)) error {
	t.Helper()
	for {
		ok, err := cond(context.Background())
		if err != nil {
			t.Fatalf("checking %s: %v", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: not done", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
