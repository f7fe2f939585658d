package propagate

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// serverRules makes c's Secrets behave as a kube-apiserver's do where the fake clientset
// is lenient: create defaults the type to Opaque and assigns a uid and resourceVersion;
// update honours resourceVersion (409 Conflict), keeps the uid and refuses with 422
// Invalid what pkg/apis/core/validation.ValidateSecretUpdate refuses (a changed type; on an
// immutable Secret, dropping immutable or changing data); delete honours uid and
// resourceVersion preconditions (409 Conflict). It is written from the server's rules, not
// from propagate's, so that tests compare the two. It returns a counter of Invalid refusals.
func serverRules(c *fake.Clientset) *refusals {
	var (
		mu  sync.Mutex
		rv  int
		out = &refusals{}
	)
	gvr := corev1.SchemeGroupVersion.WithResource("secrets")
	next := func() string { rv++; return strconv.Itoa(rv) }
	get := func(ns, name string) *corev1.Secret {
		obj, err := c.Tracker().Get(gvr, ns, name)
		if err != nil {
			return nil
		}
		return obj.(*corev1.Secret)
	}
	c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		s := a.(k8stesting.CreateAction).GetObject().(*corev1.Secret).DeepCopy()
		s.Namespace = a.GetNamespace()
		if get(s.Namespace, s.Name) != nil {
			return true, nil, apierrors.NewAlreadyExists(secretsGR, s.Name)
		}
		if s.Type == "" {
			s.Type = corev1.SecretTypeOpaque
		}
		s.ResourceVersion = next()
		s.UID = types.UID("uid-" + s.Namespace + "-" + s.ResourceVersion)
		return true, s, c.Tracker().Create(gvr, s, s.Namespace)
	})
	c.PrependReactor("update", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		s := a.(k8stesting.UpdateAction).GetObject().(*corev1.Secret).DeepCopy()
		old := get(a.GetNamespace(), s.Name)
		if old == nil {
			return true, nil, apierrors.NewNotFound(secretsGR, s.Name)
		}
		if s.ResourceVersion != "" && s.ResourceVersion != old.ResourceVersion {
			return true, nil, apierrors.NewConflict(secretsGR, s.Name, fmt.Errorf("the object has been modified"))
		}
		if s.Type == "" {
			s.Type = corev1.SecretTypeOpaque
		}
		var errs field.ErrorList
		if s.Type != old.Type {
			errs = append(errs, field.Invalid(field.NewPath("type"), string(s.Type), "field is immutable"))
		}
		if old.Immutable != nil && *old.Immutable {
			if s.Immutable == nil || !*s.Immutable {
				errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
			}
			same := len(s.Data) == len(old.Data)
			for k, v := range old.Data {
				if w, ok := s.Data[k]; !ok || !bytes.Equal(v, w) {
					same = false
				}
			}
			if !same {
				errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
			}
		}
		if len(errs) > 0 {
			out.add(a.GetNamespace())
			return true, nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Secret").GroupKind(), s.Name, errs)
		}
		s.UID = old.UID
		s.ResourceVersion = next()
		return true, s, c.Tracker().Update(gvr, s, a.GetNamespace())
	})
	c.PrependReactor("delete", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		d := a.(k8stesting.DeleteAction)
		old := get(a.GetNamespace(), d.GetName())
		if old == nil {
			return true, nil, apierrors.NewNotFound(secretsGR, d.GetName())
		}
		if p := d.GetDeleteOptions().Preconditions; p != nil {
			if p.UID != nil && *p.UID != old.UID || p.ResourceVersion != nil && *p.ResourceVersion != old.ResourceVersion {
				return true, nil, apierrors.NewConflict(secretsGR, d.GetName(), fmt.Errorf("precondition failed"))
			}
		}
		return true, nil, c.Tracker().Delete(gvr, a.GetNamespace(), d.GetName())
	})
	return out
}

// refusals counts the updates the emulated server refused as Invalid, per namespace.
type refusals struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *refusals) add(ns string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[ns]++
}

// total is how many updates were refused.
func (r *refusals) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := 0
	for _, n := range r.n {
		t += n
	}
	return t
}
