package leader

import (
	"strconv"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// leaseServer is a fake clientset whose Leases keep the API server's optimistic concurrency (a
// write with another resourceVersion is a Conflict) and whose writes can be refused or hung.
type leaseServer struct {
	*fake.Clientset
	mu sync.Mutex
	rv int
	// refuse, when set, decides whether a write of lease fails and with what; it is called
	// before the write and may block, as a hung connection does.
	refuse func(lease *coordinationv1.Lease) error
	// writes is every write that succeeded: who it names and when it arrived.
	writes []leaseWrite
}

type leaseWrite struct {
	holder string
	renew  time.Time // spec.renewTime
	at     time.Time
}

var leasesGVR = coordinationv1.SchemeGroupVersion.WithResource("leases")

func newLeaseServer() *leaseServer {
	s := &leaseServer{Clientset: fake.NewClientset()}
	s.PrependReactor("*", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
		write, ok := a.(interface{ GetObject() runtime.Object }) // a create or an update
		if !ok || a.GetVerb() != "create" && a.GetVerb() != "update" {
			return false, nil, nil // reads go to the tracker
		}
		lease := write.GetObject().(*coordinationv1.Lease).DeepCopy()
		s.mu.Lock()
		refuse := s.refuse
		s.mu.Unlock()
		if refuse != nil {
			if err := refuse(lease); err != nil {
				return true, nil, err
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		old, err := s.Tracker().Get(leasesGVR, lease.Namespace, lease.Name)
		switch {
		case a.GetVerb() == "create" && err == nil:
			return true, nil, apierrors.NewAlreadyExists(leasesGVR.GroupResource(), lease.Name)
		case a.GetVerb() == "update" && err != nil:
			return true, nil, err
		case a.GetVerb() == "update" && old.(*coordinationv1.Lease).ResourceVersion != lease.ResourceVersion:
			return true, nil, apierrors.NewConflict(leasesGVR.GroupResource(), lease.Name, nil)
		}
		s.rv++
		lease.ResourceVersion = strconv.Itoa(s.rv)
		if a.GetVerb() == "create" {
			err = s.Tracker().Create(leasesGVR, lease, lease.Namespace)
		} else {
			err = s.Tracker().Update(leasesGVR, lease, lease.Namespace)
		}
		if err != nil {
			return true, nil, err
		}
		holder := ""
		if lease.Spec.HolderIdentity != nil {
			holder = *lease.Spec.HolderIdentity
		}
		w := leaseWrite{holder: holder, at: time.Now()}
		if lease.Spec.RenewTime != nil {
			w.renew = lease.Spec.RenewTime.Time
		}
		s.writes = append(s.writes, w)
		return true, lease.DeepCopy(), nil
	})
	return s
}

// setRefuse sets s.refuse.
func (s *leaseServer) setRefuse(f func(*coordinationv1.Lease) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = f
}

// lastRenewal returns the earliest successful write naming holder that another elector cannot
// tell from holder's last one: client-go compares the Lease's times at whole seconds, so every
// write in the second of the last renewal looks the same to it.
func (s *leaseServer) lastRenewal(holder string) (leaseWrite, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found leaseWrite
	ok := false
	for i := len(s.writes) - 1; i >= 0; i-- {
		w := s.writes[i]
		if w.holder != holder {
			continue
		}
		if ok && !w.renew.Truncate(time.Second).Equal(found.renew.Truncate(time.Second)) {
			break
		}
		found, ok = w, true
	}
	return found, ok
}
