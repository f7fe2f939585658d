package integration

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// testLeastPrivilegeHarness proves the harness itself on testdata/leastprivilege, a
// ServiceAccount that may get and create ConfigMaps in one namespace, with a controller in
// this process that makes one ConfigMap (get, then create when missing): both verbs are shown
// needed (each refused when removed); a verb the controller never uses (delete), added to the
// rule, is reported as not needed; and the same verb granted by two rules is reported as an
// overlap.
func testLeastPrivilegeHarness(t *testing.T, c *cluster) {
	const ns = "lp-selftest"
	lp := leastPrivilege{Dir: "testdata/leastprivilege", Bound: 20 * time.Second,
		ServiceAccount: types.NamespacedName{Namespace: ns, Name: "configmap-maker"}, Scenario: configMapMaker(c, ns)}

	t.Run("Needed", func(t *testing.T) { c.proveLeastPrivilege(t, lp) })
	t.Run("NotNeeded", func(t *testing.T) {
		extra := lp
		extra.Substitute = editRoles(func(rules []any) []any {
			rule := rules[0].(map[string]any)
			rule["verbs"] = append(rule["verbs"].([]any), "delete")
			return rules
		})
		got := outcomeSummary(c.leastPrivilegeRuns(t, extra))
		want := []string{"create configmaps: needed", "delete configmaps: not needed", "get configmaps: needed"}
		if !slices.Equal(got, want) {
			t.Errorf("outcomes %q, want %q", got, want)
		}
	})
	t.Run("Overlap", func(t *testing.T) {
		twice := lp
		twice.Substitute = editRoles(func(rules []any) []any {
			return append(rules, map[string]any{"apiGroups": []any{""}, "resources": []any{"configmaps"}, "verbs": []any{"get"}})
		})
		got := outcomeSummary(c.leastPrivilegeRuns(t, twice))
		want := []string{"create configmaps: needed", "get configmaps: overlap", "get configmaps: overlap"}
		if !slices.Equal(got, want) {
			t.Errorf("outcomes %q, want %q", got, want)
		}
	})
}

// configMapMaker is a controller in this process that makes ConfigMap made-<seq> in ns.
func configMapMaker(c *cluster, ns string) func(context.Context, *testing.T, *privilegeRun) error {
	return func(ctx context.Context, t *testing.T, run *privilegeRun) error {
		name := fmt.Sprintf("made-%d", run.Seq)
		client, err := kubernetes.NewForConfig(run.Config)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = c.client.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
		})
		for {
			_, err := client.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				_, err = client.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
			}
			if err == nil {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("ConfigMap %s not made: %v", name, err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// editRoles returns a Substitute that changes the rules of every Role.
func editRoles(edit func(rules []any) []any) func(*testing.T, []*unstructured.Unstructured) []*unstructured.Unstructured {
	return func(_ *testing.T, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
		for _, obj := range objs {
			if obj.GetKind() == "Role" {
				obj.Object["rules"] = edit(obj.Object["rules"].([]any))
			}
		}
		return objs
	}
}

// outcomeSummary reads each outcome as "verb resource: needed | not needed | overlap", sorted.
func outcomeSummary(outcomes []privilegeOutcome) []string {
	var out []string
	for _, o := range outcomes {
		what := "needed"
		switch {
		case o.Overlap:
			what = "overlap"
		case !o.needed():
			what = "not needed"
		}
		out = append(out, o.Removed.String()+": "+what)
	}
	slices.Sort(out)
	return out
}
