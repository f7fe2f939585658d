package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// deployFieldManager is the field manager of what the suite applies, as kubectl apply
// --server-side names its own.
const deployFieldManager = "podsecrets-integration"

// buildDeploy builds a deploy directory (a kustomization.yaml and plain YAML) with
// kustomize's own engine, the one `kubectl apply -k` runs, and returns its objects in the
// order kustomize gives them. A directory kubectl would refuse fails the test.
func buildDeploy(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s (what kubectl apply -k runs): %v", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, res := range resMap.Resources() {
		m, err := res.Map()
		if err != nil {
			t.Fatalf("kustomize build %s: %s: %v", dir, res.CurId(), err)
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	return objs
}

// applier applies objects of any kind to the cluster as its admin, server-side.
type applier struct {
	dynamic dynamic.Interface
	mapper  meta.RESTMapper
}

// applier returns an applier for c.
func (c *cluster) applier(t *testing.T) *applier {
	t.Helper()
	dyn, err := dynamic.NewForConfig(c.config)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(c.config)
	if err != nil {
		t.Fatal(err)
	}
	return &applier{dynamic: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))}
}

// apply applies obj with server-side apply, taking over every field it sets (lists the API
// marks atomic, such as a Role's rules, are replaced whole).
func (a *applier) apply(ctx context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	var ri dynamic.ResourceInterface = a.dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = a.dynamic.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	}
	if _, err := ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: deployFieldManager, Force: true}); err != nil {
		return fmt.Errorf("applying %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// applyDeploy creates the namespaces the objects live in when missing (a deploy directory
// goes into a namespace that exists, such as Run:ai's runai) and applies every object.
func (c *cluster) applyDeploy(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	a := c.applier(t)
	for _, obj := range objs {
		if ns := obj.GetNamespace(); ns != "" {
			c.ensureNamespace(t, ns)
		}
		if err := a.apply(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
}

// ensureNamespace creates namespace name unless it exists.
func (c *cluster) ensureNamespace(t *testing.T, name string) {
	t.Helper()
	_, err := c.client.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

// deployKind returns the objects of one kind, converted to typed objects of type T.
func deployKind[T any](t *testing.T, objs []*unstructured.Unstructured, kind string) []*T {
	t.Helper()
	var out []*T
	for _, obj := range objs {
		if obj.GetKind() != kind {
			continue
		}
		v := new(T)
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, v, true); err != nil {
			t.Fatalf("%s %s: %v", kind, obj.GetName(), err)
		}
		out = append(out, v)
	}
	return out
}

// podArgs returns a container's command line as the kubelet would run it: command and args
// with $(VAR) expanded from the container's env, where a fieldRef to metadata.name is pod
// and one to metadata.namespace the Deployment's namespace.
func podArgs(t *testing.T, d *appsv1.Deployment, container, pod string) []string {
	t.Helper()
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name != container {
			continue
		}
		env := map[string]string{}
		for _, e := range c.Env {
			switch {
			case e.ValueFrom == nil:
				env[e.Name] = expansion.Expand(e.Value, expansion.MappingFuncFor(env))
			case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.name":
				env[e.Name] = pod
			case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace":
				env[e.Name] = d.Namespace
			default:
				t.Fatalf("Deployment %s, container %s: env %s: only values and fieldRefs to metadata.name and metadata.namespace are understood here", d.Name, container, e.Name)
			}
		}
		var out []string
		for _, a := range append(append([]string(nil), c.Command...), c.Args...) {
			out = append(out, expansion.Expand(a, expansion.MappingFuncFor(env)))
		}
		return out
	}
	t.Fatalf("Deployment %s has no container %s", d.Name, container)
	return nil
}

// serviceAccountOf is the ServiceAccount a Deployment's pods run as.
func serviceAccountOf(d *appsv1.Deployment) types.NamespacedName {
	name := d.Spec.Template.Spec.ServiceAccountName
	if name == "" {
		name = "default"
	}
	return types.NamespacedName{Namespace: d.Namespace, Name: name}
}

// waitLimitShort bounds the wait for an authorization change to reach the API server's
// RBAC cache; it is no speed assertion.
const waitLimitShort = 30 * time.Second
