package podsecrets_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/podsecrets/podsecrets/propagate"
)

// propagateRecreateLeakCases covers the messages of recreating copies the API server will
// not update in place, of writes it refuses as invalid and of namespaces that terminate
// while a Sync writes, with sentinels in the data of the old and the new source.
func propagateRecreateLeakCases() []leakCase {
	source := types.NamespacedName{Namespace: "runai", Name: "creds"}
	secretsGVR := corev1.SchemeGroupVersion.WithResource("secrets")
	gk := schema.GroupKind{Kind: "Secret"}
	world := func(s *corev1.Secret) *fake.Clientset {
		var objs []runtime.Object
		for _, n := range []string{"runai", "runai-a", "runai-b"} {
			ns := &corev1.Namespace{}
			ns.Name, ns.Status.Phase = n, corev1.NamespaceActive
			objs = append(objs, ns)
		}
		return fake.NewClientset(append(objs, s)...)
	}
	src := func(typ corev1.SecretType, immutable bool, data map[string]string) *corev1.Secret {
		s := secretWith(source.Name, data)
		s.Namespace, s.UID, s.Type = source.Namespace, "uid-1", typ
		s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
		if immutable {
			s.Immutable = &immutable
		}
		return s
	}
	// recreated syncs s, then replaces it by next (a new UID) as kubectl delete and create do.
	recreated := func(t *testing.T, ctx context.Context, s, next *corev1.Secret) *fake.Clientset {
		c := world(s)
		if _, err := propagate.Sync(ctx, c, source, propagate.Targets{Pattern: "runai-*"}); err != nil {
			t.Fatalf("first Sync: %v", err)
		}
		if err := c.Tracker().Delete(secretsGVR, source.Namespace, source.Name); err != nil {
			t.Fatal(err)
		}
		next.UID = "uid-2"
		if err := c.Tracker().Add(next); err != nil {
			t.Fatal(err)
		}
		return c
	}
	report := func(rep *propagate.Report, err error) leakOut {
		out := leakOut{err: err, texts: map[string]string{}}
		if rep != nil {
			out.texts["Summary()"] = rep.Summary()
			out.texts["report %+v"] = fmt.Sprintf("%+v", rep)
			var errs []error
			for _, r := range rep.Results {
				errs = append(errs, r.Err)
			}
			out.texts["results' errors"] = fmt.Sprintf("%v", errors.Join(errs...))
		}
		return out
	}
	// Names a missing namespace, so that every case has an error to look at.
	targets := propagate.Targets{Pattern: "runai-*", Names: []string{"runai-missing"}}
	refuseUpdates := func(c *fake.Clientset) {
		c.PrependReactor("update", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewInvalid(gk, source.Name, field.ErrorList{
				field.Forbidden(field.NewPath("data"), "denied by policy"),
			})
		})
	}
	basicAuth := map[string]string{corev1.BasicAuthUsernameKey: "admin", corev1.BasicAuthPasswordKey: sentinel2}
	return []leakCase{
		{"propagate.Sync", "source re-created with another type", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeBasicAuth, false, basicAuth))
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "immutable copy to recreate without RecreateImmutable", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, true, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeBasicAuth, true, basicAuth))
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "update refused as invalid", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel2}))
			refuseUpdates(c)
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "namespace terminating at write time", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}))
			c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
				err := apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, source.Name, errors.New("namespace is being terminated"))
				err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{Type: corev1.NamespaceTerminatingCause})
				return true, nil, err
			})
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Controller", "update refused as invalid, logged once", false, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel2}))
			refuseUpdates(c)
			ctrl, err := propagate.NewController(c, propagate.RunAIConfig())
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- ctrl.Run(ctx) }()
			// Wait (not a timed assertion) until the controller has tried to update both copies.
			for i := 0; i < 1000 && countVerb(c, "update") < 2; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			return errOut(<-done)
		}},
	}
}

// countVerb counts c's recorded actions with verb on secrets.
func countVerb(c *fake.Clientset, verb string) int {
	n := 0
	for _, a := range c.Actions() {
		if a.GetVerb() == verb && strings.HasSuffix(a.GetResource().Resource, "secrets") {
			n++
		}
	}
	return n
}
