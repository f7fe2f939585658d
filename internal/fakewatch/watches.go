package fakewatch

import (
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Watches counts the watches a fake clientset has established.
type Watches struct {
	mu sync.Mutex
	n  map[key]int
}

type key struct{ resource, namespace string }

// Record makes c open every watch on its tracker itself, as the clientset's own reactor does,
// and count it once it is established, so that no event after Count sees it can be missed.
func Record(c *fake.Clientset) *Watches {
	w := &Watches{n: map[key]int{}}
	c.PrependWatchReactor("*", func(a k8stesting.Action) (bool, watch.Interface, error) {
		var opts metav1.ListOptions
		if wa, ok := a.(k8stesting.WatchActionImpl); ok {
			opts = wa.ListOptions
		}
		wi, err := c.Tracker().Watch(a.GetResource(), a.GetNamespace(), opts)
		if err != nil {
			return true, nil, err
		}
		w.mu.Lock()
		w.n[key{a.GetResource().Resource, a.GetNamespace()}]++
		w.mu.Unlock()
		return true, wi, nil
	})
	return w
}

// Count is the number of watches established so far on resource (plural, e.g. "secrets") in
// namespace; "" is a watch of every namespace.
func (w *Watches) Count(resource, namespace string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n[key{resource, namespace}]
}
