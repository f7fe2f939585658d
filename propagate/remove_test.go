package propagate

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestRemoveDeletesOnlyOwnedCopies(t *testing.T) {
	otherCopy := unowned("runai-1", map[string]string{LabelManagedBy: ManagedBy, LabelSourceNamespace: "elsewhere"})
	otherCopy.Annotations = map[string]string{AnnotationSourceName: src.Name}
	c := world(4, unowned("default", nil))
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, Targets{Names: []string{"runai-0", "runai-2", "runai-3"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Tracker().Add(otherCopy); err != nil {
		t.Fatal(err)
	}
	// Remove works after the source is gone.
	if err := c.Tracker().Delete(corev1.SchemeGroupVersion.WithResource("secrets"), src.Namespace, src.Name); err != nil {
		t.Fatal(err)
	}
	c.ClearActions()

	r, err := Remove(ctx, c, src)
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, map[string]Action{"runai-0": Deleted, "runai-2": Deleted, "runai-3": Deleted}, actions(r))
	if d := cmp.Diff(map[string]int{"list secrets": 1, "delete secrets": 3}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
	for ns, want := range map[string]bool{"runai-0": false, "runai-1": true, "runai-2": false, "default": true} {
		if got := hasSecret(c, ns, src.Name); got != want {
			t.Errorf("secret in %s exists = %v, want %v", ns, got, want)
		}
	}

	c.ClearActions()
	r, err = Remove(ctx, c, src)
	if err != nil || len(r.Results) != 0 || writes(c) != 0 {
		t.Errorf("second Remove: %d results, %d writes, err %v; want none", len(r.Results), writes(c), err)
	}
	if s := r.Summary(); s != "no namespaces" {
		t.Errorf("Summary() = %q", s)
	}
}

func TestRemoveDryRun(t *testing.T) {
	c := world(2)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	c.ClearActions()
	r, err := Remove(ctx, c, src, DryRun())
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, want(2, Deleted), actions(r))
	if w := writes(c); w != 0 || !hasSecret(c, "runai-1", src.Name) {
		t.Errorf("dry run wrote %d times", w)
	}
}

func TestRemoveInvalid(t *testing.T) {
	c := world(0)
	if r, err := Remove(context.Background(), c, types2("", "x")); r != nil || err == nil {
		t.Errorf("Remove with no namespace = %v, %v; want an error", r, err)
	}
	if r, err := Remove(context.Background(), c, src, Concurrency(-1)); r != nil || err == nil {
		t.Errorf("Remove with Concurrency(-1) = %v, %v; want an error", r, err)
	}
}
