package propagate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

var runaiTargets = Targets{Pattern: "runai-*"}

func TestSyncCreatesThenWritesNothing(t *testing.T) {
	const n = 5
	c := world(n)
	ctx := context.Background()

	r, err := Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	diffActions(t, want(n, Created), actions(r))
	if d := cmp.Diff(map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "create secrets": n}, counts(c)); d != "" {
		t.Errorf("first sync API calls (-want +got):\n%s", d)
	}

	// The copy carries content and our marks, nothing else of the source.
	got := getSecret(t, c, "runai-3", src.Name)
	source := getSecret(t, c, src.Namespace, src.Name)
	wantMeta := metav1.ObjectMeta{
		Name: src.Name, Namespace: "runai-3",
		Labels: map[string]string{LabelManagedBy: ManagedBy, LabelSourceNamespace: "runai"},
		Annotations: map[string]string{
			AnnotationSourceName:  src.Name,
			AnnotationSourceUID:   "uid-1",
			AnnotationContentHash: contentHash("uid-1", source),
			AnnotationTree:        `{"a":"dir/a"}`,
		},
	}
	gotMeta := got.ObjectMeta
	gotMeta.ResourceVersion, gotMeta.ManagedFields = "", nil
	if d := cmp.Diff(wantMeta, gotMeta); d != "" {
		t.Errorf("copy metadata (-want +got):\n%s", d)
	}
	if got.Type != source.Type || !cmp.Equal(got.Data, source.Data) || got.Immutable != nil {
		t.Errorf("copy content differs from the source (type %q, immutable %v)", got.Type, got.Immutable)
	}

	c.ClearActions()
	r, err = Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatalf("second sync: %v", err)
	}
	diffActions(t, want(n, Unchanged), actions(r))
	if w, rd := writes(c), reads(c); w != 0 || rd != 3 {
		t.Errorf("second sync: %d writes, %d reads; want 0 and 3", w, rd)
	}
	if s := r.Summary(); s != "5 unchanged" {
		t.Errorf("Summary() = %q", s)
	}
}

func TestSyncSourceChangeUpdatesEveryCopy(t *testing.T) {
	const n = 4
	c := world(n)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
	c.ClearActions()
	r, err := Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, want(n, Updated), actions(r))
	if d := cmp.Diff(map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "update secrets": n}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
	if string(getSecret(t, c, "runai-2", src.Name).Data["a"]) != "n3w" {
		t.Errorf("copy in runai-2 was not updated (value differs)")
	}
}

func TestSyncSourceRecreatedRewritesMarks(t *testing.T) {
	c := world(2)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	updateSource(t, c, func(s *corev1.Secret) { s.UID = "uid-2" })
	r, err := Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, want(2, Updated), actions(r))
	if got := getSecret(t, c, "runai-0", src.Name).Annotations[AnnotationSourceUID]; got != "uid-2" {
		t.Errorf("source UID annotation = %q, want uid-2", got)
	}
}

func TestSyncConflictLeavesUnownedSecretAlone(t *testing.T) {
	foreignCopy := unowned("runai-1", map[string]string{LabelManagedBy: ManagedBy, LabelSourceNamespace: "other"})
	foreignCopy.Annotations = map[string]string{AnnotationSourceName: src.Name}
	helm := unowned("runai-2", map[string]string{"app.kubernetes.io/managed-by": "Helm"})
	c := world(4, unowned("runai-0", nil), foreignCopy, helm, unowned("default", nil))
	r, err := Sync(context.Background(), c, src, runaiTargets)

	diffActions(t, map[string]Action{"runai-0": Conflict, "runai-1": Conflict, "runai-2": Conflict, "runai-3": Created}, actions(r))
	if d := cmp.Diff(map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "create secrets": 1}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
	wantMsgs := map[string]string{
		"runai-0": `secret "registry" in namespace "runai-0" is not a copy of "runai/registry": it is not a copy made by podsecrets; left untouched`,
		"runai-1": `secret "registry" in namespace "runai-1" is not a copy of "runai/registry": it is a podsecrets copy of "other/registry"; left untouched`,
		"runai-2": `secret "registry" in namespace "runai-2" is not a copy of "runai/registry": it is managed by "Helm"; left untouched`,
	}
	gotMsgs := map[string]string{}
	for _, res := range r.Results {
		var ce *ConflictError
		if res.Action == Conflict && errors.As(res.Err, &ce) {
			gotMsgs[res.Namespace] = ce.Error()
		}
	}
	if d := cmp.Diff(wantMsgs, gotMsgs); d != "" {
		t.Errorf("conflict messages (-want +got):\n%s", d)
	}
	var ne *NamespaceError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), `namespace "runai-0": conflict:`) {
		t.Errorf("returned error does not name the conflicting namespaces: %v", err)
	}
	if got := getSecret(t, c, "runai-0", src.Name); string(got.Data["theirs"]) != "x" || got.Labels != nil {
		t.Errorf("unowned secret in runai-0 was modified")
	}
}

func TestSyncPrune(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want map[string]Action
		kept bool
	}{
		{"prune", nil, map[string]Action{"runai-0": Unchanged, "runai-1": Pruned, "runai-2": Pruned}, false},
		{"no prune", []Option{NoPrune()}, map[string]Action{"runai-0": Unchanged, "runai-1": Skipped, "runai-2": Skipped}, true},
		{"dry run", []Option{DryRun()}, map[string]Action{"runai-0": Unchanged, "runai-1": Pruned, "runai-2": Pruned}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(3, unowned("default", nil))
			ctx := context.Background()
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				t.Fatal(err)
			}
			c.ClearActions()
			r, _ := Sync(ctx, c, src, Targets{Names: []string{"runai-0"}}, tc.opts...)
			diffActions(t, tc.want, actions(r))
			if got := hasSecret(c, "runai-1", src.Name); got != tc.kept {
				t.Errorf("copy in runai-1 exists = %v, want %v", got, tc.kept)
			}
			if !hasSecret(c, "default", src.Name) {
				t.Errorf("unowned secret in default was deleted")
			}
			wantDeletes := 2
			if tc.kept {
				wantDeletes = 0
			}
			if got := counts(c)["delete secrets"]; got != wantDeletes {
				t.Errorf("%d deletes, want %d", got, wantDeletes)
			}
		})
	}
}

func TestSyncDryRunWritesNothing(t *testing.T) {
	c := world(3, unowned("runai-1", nil))
	r, err := Sync(context.Background(), c, src, runaiTargets, DryRun())
	diffActions(t, map[string]Action{"runai-0": Created, "runai-1": Conflict, "runai-2": Created}, actions(r))
	if err == nil {
		t.Errorf("dry run hid the conflict")
	}
	if w := writes(c); w != 0 {
		t.Errorf("dry run made %d writes", w)
	}
	real, _ := Sync(context.Background(), c, src, runaiTargets)
	if d := cmp.Diff(actions(r), actions(real)); d != "" {
		t.Errorf("dry run and real run differ (-dry +real):\n%s", d)
	}
}

func TestSyncRewritesTamperedCopies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(*corev1.Secret)
		want   Action
	}{
		{"data edited, stored hash kept", func(s *corev1.Secret) { s.Data["a"] = []byte("other") }, Updated},
		{"key added", func(s *corev1.Secret) { s.Data["b"] = []byte("x") }, Updated},
		{"type changed", func(s *corev1.Secret) { s.Type = "example.com/other" }, Updated},
		{"tree annotation removed", func(s *corev1.Secret) { delete(s.Annotations, AnnotationTree) }, Updated},
		{"made immutable", func(s *corev1.Secret) { s.Immutable = new(bool); *s.Immutable = true }, Skipped},
		{"stored hash edited", func(s *corev1.Secret) { s.Annotations[AnnotationContentHash] = "0" }, Updated},
		{"source namespace label lost", func(s *corev1.Secret) { s.Labels[LabelSourceNamespace] = "" }, Conflict},
		{"foreign label added", func(s *corev1.Secret) { s.Labels["someone"] = "else" }, Unchanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(1)
			ctx := context.Background()
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				t.Fatal(err)
			}
			cp := getSecret(t, c, "runai-0", src.Name)
			tc.tamper(cp)
			if err := c.Tracker().Update(corev1.SchemeGroupVersion.WithResource("secrets"), cp, "runai-0"); err != nil {
				t.Fatal(err)
			}
			r, _ := Sync(ctx, c, src, runaiTargets)
			diffActions(t, map[string]Action{"runai-0": tc.want}, actions(r))
			if tc.want == Updated {
				got := getSecret(t, c, "runai-0", src.Name)
				source := getSecret(t, c, src.Namespace, src.Name)
				if contentHash("uid-1", got) != contentHash("uid-1", source) || !marksCurrent(source, got, contentHash("uid-1", source)) {
					t.Errorf("copy was not restored")
				}
			}
		})
	}
}

func TestSyncImmutableCopies(t *testing.T) {
	immutable := func(s *corev1.Secret) { s.Immutable = new(bool); *s.Immutable = true }
	for _, tc := range []struct {
		name        string
		opts        []Option
		want        Action
		wantErr     string
		wantCalls   map[string]int
		wantUpdated bool
	}{
		{"without opt-in", nil, Skipped, "opt in with RecreateImmutable", map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1}, false},
		{"with RecreateImmutable", []Option{RecreateImmutable()}, Updated, "", map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "delete secrets": 1, "create secrets": 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(1)
			ctx := context.Background()
			updateSource(t, c, immutable)
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				t.Fatal(err)
			}
			if cp := getSecret(t, c, "runai-0", src.Name); cp.Immutable == nil || !*cp.Immutable {
				t.Fatalf("copy of an immutable source is not immutable")
			}
			// An immutable source cannot change on a real server; a new source can.
			updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
			c.ClearActions()
			r, err := Sync(ctx, c, src, runaiTargets, tc.opts...)
			diffActions(t, map[string]Action{"runai-0": tc.want}, actions(r))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.wantCalls, counts(c)); d != "" {
				t.Errorf("API calls (-want +got):\n%s", d)
			}
			if got := string(getSecret(t, c, "runai-0", src.Name).Data["a"]) == "n3w"; got != tc.wantUpdated {
				t.Errorf("copy updated = %v, want %v", got, tc.wantUpdated)
			}
		})
	}
}

func TestSyncSkips(t *testing.T) {
	dying := namespace("runai-dying", nil)
	dying.Status.Phase = corev1.NamespaceTerminating
	c := world(1, dying)
	r, err := Sync(context.Background(), c, src, Targets{
		Selector: labels.Everything(),
		Names:    []string{"runai", "runai-missing", "gone-too", "excluded-missing"},
		Exclude:  []string{"default", "excluded-*"},
	})
	diffActions(t, map[string]Action{
		"gone-too": Skipped, "runai-0": Created, "runai-dying": Skipped, "runai-missing": Skipped,
	}, actions(r))
	msgs := map[string]string{}
	for _, res := range r.Results {
		if res.Err != nil {
			msgs[res.Namespace] = res.Err.Error()
		}
	}
	if d := cmp.Diff(map[string]string{
		"gone-too":      `namespace "gone-too" does not exist`,
		"runai-dying":   `namespace "runai-dying" is terminating`,
		"runai-missing": `namespace "runai-missing" does not exist`,
	}, msgs); d != "" {
		t.Errorf("skip reasons (-want +got):\n%s", d)
	}
	if err == nil {
		t.Errorf("skips were not reported in the error")
	}
	if hasSecret(c, "runai-dying", src.Name) {
		t.Errorf("copy created in a terminating namespace")
	}
}

func TestSyncReportIsSorted(t *testing.T) {
	c := world(12)
	r, err := Sync(context.Background(), c, src, Targets{Selector: labels.Everything()}, Concurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, res := range r.Results {
		got = append(got, res.Namespace)
	}
	want := []string{"default", "runai-0", "runai-1", "runai-10", "runai-11", "runai-2", "runai-3", "runai-4", "runai-5", "runai-6", "runai-7", "runai-8", "runai-9"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("report order (-want +got):\n%s", d)
	}
}

func TestSyncRefusesSources(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*corev1.Secret)
		why    string
	}{
		{"service account token", func(s *corev1.Secret) { s.Type = corev1.SecretTypeServiceAccountToken }, "service-account token"},
		{"helm release type", func(s *corev1.Secret) { s.Type = "helm.sh/release.v1" }, "Helm release"},
		{"helm owner label", func(s *corev1.Secret) { s.Labels["owner"] = "helm" }, "Helm release"},
		{"a podsecrets copy", func(s *corev1.Secret) { s.Labels[LabelManagedBy] = ManagedBy }, "itself a copy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(2)
			updateSource(t, c, tc.mutate)
			r, err := Sync(context.Background(), c, src, runaiTargets)
			if r != nil || !errors.Is(err, ErrRefusedSource) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("Sync = %v, %v; want nil report and ErrRefusedSource saying %q", r, err, tc.why)
			}
			noSecretIn(t, err)
			if w := writes(c); w != 0 {
				t.Errorf("%d writes for a refused source", w)
			}
		})
	}
}

func TestSyncSourceMissing(t *testing.T) {
	c := world(1)
	r, err := Sync(context.Background(), c, types2("runai", "nope"), runaiTargets)
	if r != nil || !apierrors.IsNotFound(err) {
		t.Errorf("Sync = %v, %v; want nil report and a NotFound error", r, err)
	}
}

func TestSyncInvalidArguments(t *testing.T) {
	for _, tc := range []struct {
		name    string
		source  string
		targets Targets
		opts    []Option
		want    []string
	}{
		{"empty targets", "registry", Targets{}, nil, []string{"targets: Required value"}},
		{"exclude only is still empty", "registry", Targets{Exclude: []string{"x"}}, nil, []string{"targets: Required value"}},
		{"every problem at once", "Bad_Name", Targets{Names: []string{"ok", "NOT OK"}, Pattern: "runai-[", Exclude: []string{"", "[x"}}, nil, []string{
			"source.name: Invalid value", "targets.names[1]: Invalid value", "targets.pattern: Invalid value: \"runai-[\"",
			"targets.exclude[0]: Required value", "targets.exclude[1]: Invalid value",
		}},
		{"bad concurrency", "registry", runaiTargets, []Option{Concurrency(0)}, []string{"Concurrency(0): must be at least 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(1)
			r, err := Sync(context.Background(), c, types2("runai", tc.source), tc.targets, tc.opts...)
			if r != nil || err == nil {
				t.Fatalf("Sync = %v, %v; want an error", r, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := len(c.Actions()); n != 0 {
				t.Errorf("%d API calls before validation failed", n)
			}
		})
	}
}
