package leader

import (
	"context"
	"sync"
	"time"

	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/utils/clock"
)

// fence is how long this process may go on working: RenewDeadline after the send time of the
// last write of the Lease that named it and succeeded. Another process waits a whole
// LeaseDuration after it saw that write (or, as it compares the Lease's times at whole seconds,
// one up to a second earlier), which was after it was sent: Timing.Validate keeps the margin.
type fence struct {
	clock         clock.Clock
	renewDeadline time.Duration

	mu   sync.Mutex
	sent time.Time // zero until a write succeeded
}

// renewed records a successful write of the Lease, sent at sent.
func (f *fence) renewed(sent time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sent.After(f.sent) {
		f.sent = sent
	}
}

// deadline returns when the work must have stopped; the zero time if no write succeeded.
func (f *fence) deadline() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent.IsZero() {
		return time.Time{}
	}
	return f.sent.Add(f.renewDeadline)
}

// holds reports whether the deadline is still ahead.
func (f *fence) holds() bool {
	return f.clock.Now().Before(f.deadline())
}

// watch calls expired once the deadline has passed, unless ctx ends first. A renewal moves
// the deadline on; watch waits for the one current when its timer fires.
func (f *fence) watch(ctx context.Context, expired func()) {
	for {
		left := f.deadline().Sub(f.clock.Now())
		if left <= 0 {
			if ctx.Err() == nil { // the timer and ctx may be ready together
				expired()
			}
			return
		}
		t := f.clock.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
	}
}

// fencedLock is a resource lock whose successful writes naming this process move the fence.
type fencedLock struct {
	resourcelock.Interface
	fence *fence
}

// Create creates the Lease and moves the fence if it succeeded.
func (l *fencedLock) Create(ctx context.Context, ler resourcelock.LeaderElectionRecord) error {
	sent := l.fence.clock.Now()
	err := l.Interface.Create(ctx, ler)
	l.written(ler, sent, err)
	return err
}

// Update writes the Lease and moves the fence if it succeeded.
func (l *fencedLock) Update(ctx context.Context, ler resourcelock.LeaderElectionRecord) error {
	sent := l.fence.clock.Now()
	err := l.Interface.Update(ctx, ler)
	l.written(ler, sent, err)
	return err
}

// written moves the fence for a successful write that names this process.
func (l *fencedLock) written(ler resourcelock.LeaderElectionRecord, sent time.Time, err error) {
	if err == nil && ler.HolderIdentity == l.Identity() {
		l.fence.renewed(sent)
	}
}
