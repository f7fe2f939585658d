package preflight

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	listersv1 "k8s.io/client-go/listers/core/v1"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	"github.com/podsecrets/podsecrets/secretspec"
)

// A lister satisfies secretspec.SecretGetter: this line compiles.
var _ secretspec.SecretGetter = listersv1.SecretNamespaceLister(nil)

func TestFromClient(t *testing.T) {
	s := secret("db", "", "a", "1")
	s.Namespace = "team"
	c := fake.NewClientset(s)
	c.PrependReactor("get", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.(k8stesting.GetAction).GetName() == "locked" {
			return true, nil, apierrors.NewForbidden(secretsResource, "locked", nil)
		}
		return false, nil, nil
	})
	g := FromClient(context.Background(), c, "team")
	refs := []secretspec.Ref{
		{Secret: "db", Key: "a", As: secretspec.Env, EnvVar: "A"},
		{Secret: "db", Key: "b", As: secretspec.Env, EnvVar: "B"},
		{Secret: "other", As: secretspec.EnvFrom},
		{Secret: "locked", As: secretspec.EnvFrom},
	}
	errs, _ := Check(g, refs, field.NewPath("refs"))
	want := []problem{{field.ErrorTypeNotFound, "refs[1].key"}, {field.ErrorTypeNotFound, "refs[2].secret"}, {field.ErrorTypeForbidden, "refs[3].secret"}}
	if diff := cmp.Diff(want, problems(errs)); diff != "" {
		t.Errorf("errs (-want +got):\n%s", diff)
	}
	if _, err := FromClient(context.Background(), c, "elsewhere").Get("db"); !apierrors.IsNotFound(err) {
		t.Errorf("Get in another namespace: %v, want NotFound", err)
	}
	if _, err := FromClient(context.Background(), nil, "team").Get("db"); err == nil {
		t.Error("nil client: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cc := fake.NewClientset(s)
	cc.PrependReactor("get", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, ctx.Err()
	})
	if _, err := FromClient(ctx, cc, "team").Get("db"); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestCheckWithLister(t *testing.T) {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	s := secret("db", "", "a", "1")
	s.Namespace = "team"
	if err := idx.Add(s); err != nil {
		t.Fatal(err)
	}
	lister := listersv1.NewSecretLister(idx).Secrets("team")
	errs, warnings := Check(lister, []secretspec.Ref{
		{Secret: "db", Key: "a", As: secretspec.Env, EnvVar: "A"},
		{Secret: "gone", Key: "a", As: secretspec.Env, EnvVar: "A", Optional: true},
	}, field.NewPath("refs"))
	if errs != nil {
		t.Errorf("errs: %v", errs)
	}
	if diff := cmp.Diff([]problem{{field.ErrorTypeNotFound, "refs[1].secret"}}, problems(warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
