package leader

import (
	"context"
	"errors"
	"testing"
	"time"

	"k8s.io/client-go/tools/leaderelection/resourcelock"
	clocktesting "k8s.io/utils/clock/testing"
)

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// startWatch runs f.watch in a goroutine and returns a channel closed when expired was called
// and one closed when watch returned.
func startWatch(ctx context.Context, f *fence) (expired, returned chan struct{}) {
	expired, returned = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(returned)
		f.watch(ctx, func() { close(expired) })
	}()
	return expired, returned
}

// waitTimer waits until the fake clock has a timer waiting, that is watch is asleep.
func waitTimer(t *testing.T, c *clocktesting.FakeClock) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !c.HasWaiters(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("watch did not wait on the clock")
		}
	}
}

func TestFenceWatchExpiresRenewDeadlineAfterTheLastRenewalSent(t *testing.T) {
	c := clocktesting.NewFakeClock(t0)
	f := &fence{clock: c, renewDeadline: 10 * time.Second}
	f.renewed(t0)
	expired, returned := startWatch(context.Background(), f)

	waitTimer(t, c)
	f.renewed(t0.Add(4 * time.Second)) // a renewal moves the deadline to t0+14s
	f.renewed(t0.Add(3 * time.Second)) // an older send time does not move it back
	for _, at := range []time.Duration{10 * time.Second, 13 * time.Second} {
		c.SetTime(t0.Add(at))
		waitTimer(t, c) // woke, and asleep again until the deadline of the latest renewal
		select {
		case <-expired:
			t.Fatalf("expired at t0+%v; the renewal sent at t0+4s holds until t0+14s", at)
		default:
		}
	}
	if !f.holds() {
		t.Error("holds() = false at t0+10s, want true until t0+14s")
	}
	c.SetTime(t0.Add(14 * time.Second))
	<-expired
	<-returned
	if f.holds() {
		t.Error("holds() = true at the deadline, want false")
	}
}

func TestFenceWatchReturnsWhenTheContextEnds(t *testing.T) {
	c := clocktesting.NewFakeClock(t0)
	f := &fence{clock: c, renewDeadline: time.Second}
	f.renewed(t0)
	ctx, cancel := context.WithCancel(context.Background())
	expired, returned := startWatch(ctx, f)
	waitTimer(t, c)
	cancel()
	<-returned
	select {
	case <-expired:
		t.Error("expired was called after the context ended")
	default:
	}
}

func TestFenceWithoutRenewalHasExpired(t *testing.T) {
	f := &fence{clock: clocktesting.NewFakeClock(t0), renewDeadline: time.Second}
	if f.holds() {
		t.Error("holds() = true before any renewal")
	}
	expired, returned := startWatch(context.Background(), f)
	<-expired
	<-returned
}

// fakeLock is a resourcelock.Interface whose writes return err after advancing the clock, as a
// slow request would.
type fakeLock struct {
	resourcelock.Interface // nil: only the methods below are called
	clock                  *clocktesting.FakeClock
	err                    error
}

func (l *fakeLock) Create(context.Context, resourcelock.LeaderElectionRecord) error {
	l.clock.Step(time.Second)
	return l.err
}

func (l *fakeLock) Update(context.Context, resourcelock.LeaderElectionRecord) error {
	l.clock.Step(time.Second)
	return l.err
}

func (l *fakeLock) Identity() string { return "me" }

func TestFencedLockMovesTheFenceToTheSendTimeOfWritesThatNameItAndSucceeded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		holder string
		err    error
		create bool
		want   time.Time // deadline after the write
	}{
		{name: "update naming me", holder: "me", want: t0.Add(10 * time.Second)},
		{name: "create naming me", holder: "me", create: true, want: t0.Add(10 * time.Second)},
		{name: "failed update", holder: "me", err: errors.New("refused"), want: time.Time{}},
		{name: "failed create", holder: "me", err: errors.New("refused"), create: true, want: time.Time{}},
		{name: "release (no holder)", holder: "", want: time.Time{}},
		{name: "another holder", holder: "you", want: time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clocktesting.NewFakeClock(t0)
			f := &fence{clock: c, renewDeadline: 10 * time.Second}
			l := &fencedLock{Interface: &fakeLock{clock: c, err: tc.err}, fence: f}
			write := l.Update
			if tc.create {
				write = l.Create
			}
			if err := write(context.Background(), resourcelock.LeaderElectionRecord{HolderIdentity: tc.holder}); !errors.Is(err, tc.err) {
				t.Fatalf("write returned %v, want %v", err, tc.err)
			}
			if got := f.deadline(); !got.Equal(tc.want) {
				t.Errorf("deadline = %v, want %v (the send time, not the answer's, plus renewDeadline)", got, tc.want)
			}
		})
	}
}
