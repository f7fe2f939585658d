package propagate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestTargetsSelects(t *testing.T) {
	team := labels.SelectorFromSet(labels.Set{"team": "ml"})
	all := []string{"runai-a", "runai-b", "ml", "default", "kube-system"}
	nsLabels := map[string]map[string]string{"ml": {"team": "ml"}, "runai-b": {"team": "ml"}}
	for _, tc := range []struct {
		name string
		t    Targets
		want []string
	}{
		{"selector", Targets{Selector: team}, []string{"runai-b", "ml"}},
		{"everything", Targets{Selector: labels.Everything()}, all},
		{"nothing", Targets{Selector: labels.Nothing()}, nil},
		{"names", Targets{Names: []string{"default", "absent"}}, []string{"default"}},
		{"pattern", Targets{Pattern: "runai-*"}, []string{"runai-a", "runai-b"}},
		{"union", Targets{Selector: team, Names: []string{"default"}, Pattern: "runai-?"}, []string{"runai-a", "runai-b", "ml", "default"}},
		{"exclude name", Targets{Pattern: "runai-*", Exclude: []string{"runai-a"}}, []string{"runai-b"}},
		{"exclude glob beats names", Targets{Selector: labels.Everything(), Names: []string{"kube-system"}, Exclude: []string{"kube-*", "default"}}, []string{"runai-a", "runai-b", "ml"}},
		{"character class", Targets{Pattern: "runai-[a]"}, []string{"runai-a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := tc.t.Validate(field.NewPath("targets")); len(errs) > 0 {
				t.Fatalf("valid targets rejected: %v", errs)
			}
			var got []string
			c := compileTargets(tc.t)
			for _, n := range all {
				ns := namespace(n, nsLabels[n])
				if tc.t.Selects(ns) != c.selects(ns) {
					t.Errorf("%s: Selects and the compiled form disagree", n)
				}
				if tc.t.Selects(ns) {
					got = append(got, n)
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("selected (-want +got):\n%s", d)
			}
		})
	}
}

func TestTargetsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Targets
		want field.ErrorList
	}{
		{"empty", Targets{}, field.ErrorList{field.Required(field.NewPath("t"), "")}},
		{"selector only", Targets{Selector: labels.Nothing()}, nil},
		{"bad name", Targets{Names: []string{"a", "B"}}, field.ErrorList{field.Invalid(field.NewPath("t", "names").Index(1), "B", "")}},
		{"bad pattern", Targets{Pattern: "a[", Exclude: []string{"ok-*", "", "\\"}}, field.ErrorList{
			field.Invalid(field.NewPath("t", "pattern"), "a[", ""),
			field.Required(field.NewPath("t", "exclude").Index(1), ""),
			field.Invalid(field.NewPath("t", "exclude").Index(2), "\\", ""),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.t.Validate(field.NewPath("t"))
			ignoreDetail := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Detail" }, cmp.Ignore())
			if d := cmp.Diff(tc.want, got, ignoreDetail); d != "" {
				t.Errorf("Validate (-want +got):\n%s", d)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		actions []Action
		want    string
	}{
		{nil, "no namespaces"},
		{[]Action{Conflict, Created, Unchanged, Created, Created}, "3 created, 1 unchanged, 1 conflict"},
		{[]Action{Failed, Pruned, Skipped, Updated, Deleted}, "1 updated, 1 deleted, 1 pruned, 1 skipped, 1 failed"},
	} {
		r := &Report{}
		for _, a := range tc.actions {
			r.Results = append(r.Results, Result{Namespace: "x", Action: a})
		}
		if got := r.Summary(); got != tc.want {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
	var nilReport *Report
	if got := nilReport.Summary(); got != "no namespaces" {
		t.Errorf("nil Summary() = %q", got)
	}
}
