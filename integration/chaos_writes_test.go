package integration

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/client-go/kubernetes/scheme"
)

// secretWrite is one write request a controller's client sent for a Secret.
type secretWrite struct {
	replica string
	at      time.Time // when the request was handed to the transport
	method  string
	path    string // URL path, e.g. /api/v1/namespaces/ns/secrets/name
}

// writeLog records the Secret writes of every controller replica, and the Lease terms their
// Lease writes made.
type writeLog struct {
	mu        sync.Mutex
	writes    []secretWrite
	terms     []leaseTerm // sorted by acquired
	undecoded int         // successful Lease writes whose response was not a Lease
	// leaseWrites is every Lease write attempt, as a line: when it ended, by whom, the holder
	// it asked for and what came back. Printed when a write strays.
	leaseWrites []string
}

// requestHolder returns the holder a Lease write asks for, read from a copy of its body.
func requestHolder(req *http.Request) string {
	if req.GetBody == nil {
		return "?"
	}
	body, err := req.GetBody()
	if err != nil {
		return "?"
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return "?"
	}
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(data, nil, nil)
	lease, ok := obj.(*coordinationv1.Lease)
	if err != nil || !ok || lease.Spec.HolderIdentity == nil {
		return ""
	}
	return *lease.Spec.HolderIdentity
}

// wrap returns a transport wrapper for replica's client. It records the replica's Secret writes
// in l; a request whose context is already done is not recorded, the transport drops it before
// it is sent. It also records the Lease term of every successful Lease write.
func (l *writeLog) wrap(replica string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
			write := req.Method != http.MethodGet && req.Method != http.MethodHead
			if write && strings.Contains(req.URL.Path, "/secrets") && req.Context().Err() == nil {
				l.mu.Lock()
				l.writes = append(l.writes, secretWrite{replica: replica, at: time.Now(), method: req.Method, path: req.URL.Path})
				l.mu.Unlock()
			}
			leaseWrite := write && strings.Contains(req.URL.Path, "/leases")
			var wants string
			if leaseWrite {
				wants = requestHolder(req)
			}
			resp, err := next.RoundTrip(req)
			if !leaseWrite {
				return resp, err
			}
			outcome := "error: " + fmt.Sprint(err)
			if err == nil {
				outcome = resp.Status
			}
			l.mu.Lock()
			l.leaseWrites = append(l.leaseWrites, fmt.Sprintf("%s %s %s holder=%q: %s",
				time.Now().Format("15:04:05.000000"), replica, req.Method, wants, outcome))
			l.mu.Unlock()
			if err == nil && resp.StatusCode < 300 {
				body, rerr := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				resp.Body = io.NopCloser(bytes.NewReader(body))
				if rerr != nil {
					return nil, rerr
				}
				l.recordLease(body, time.Now())
			}
			return resp, err
		})
	}
}

// since returns the writes recorded at or after from.
func (l *writeLog) since(from time.Time) []secretWrite {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []secretWrite
	for _, w := range l.writes {
		if !w.at.Before(from) {
			out = append(out, w)
		}
	}
	return out
}

// roundTripperFunc adapts a function to http.RoundTripper.
type roundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// leaseTerm is one holder's tenure: from when the response to the Lease write that began it
// arrived (the holder starts working only after that, and the write landed before it) until
// the next term began. A term is the pair of holder and the Lease's acquireTime: renewals keep
// both.
type leaseTerm struct {
	holder     string    // "" after a release
	acquireRec time.Time // spec.acquireTime
	acquired   time.Time // first successful response carrying this pair
}

// recordLease keeps the term of a Lease a replica wrote successfully. Every write of the Lease
// goes through a replica's client, so the terms are complete, whatever the faults did to
// watches.
func (l *writeLog) recordLease(body []byte, at time.Time) {
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(body, nil, nil)
	lease, ok := obj.(*coordinationv1.Lease)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil || !ok || lease.Spec.AcquireTime == nil {
		l.undecoded++
		return
	}
	term := leaseTerm{acquireRec: lease.Spec.AcquireTime.Time, acquired: at}
	if lease.Spec.HolderIdentity != nil {
		term.holder = *lease.Spec.HolderIdentity
	}
	if !slices.ContainsFunc(l.terms, func(t leaseTerm) bool { return t.holder == term.holder && t.acquireRec.Equal(term.acquireRec) }) {
		l.terms = append(l.terms, term)
		slices.SortFunc(l.terms, func(a, b leaseTerm) int { return a.acquired.Compare(b.acquired) })
	}
}

// holder returns who held the Lease at, per the terms recorded so far.
func (l *writeLog) holder(at time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := ""
	for _, term := range l.terms {
		if term.acquired.After(at) {
			break
		}
		h = term.holder
	}
	return h
}

// current returns the holder of the latest term.
func (l *writeLog) current() string {
	return l.holder(time.Now().Add(time.Hour))
}

// strays returns the writes made by a replica that did not hold the Lease at the time, as
// readable lines, at most ten of them, and how many there were. A Lease write whose response
// could not be decoded counts too: the terms would be incomplete.
func (l *writeLog) strays(writes []secretWrite) (lines []string, n int) {
	l.mu.Lock()
	if l.undecoded > 0 {
		n += l.undecoded
		lines = append(lines, fmt.Sprintf("%d Lease responses could not be decoded", l.undecoded))
	}
	l.mu.Unlock()
	for _, w := range writes {
		if h := l.holder(w.at); h != w.replica {
			n++
			if len(lines) < 10 {
				lines = append(lines, fmt.Sprintf("%s %s by %s at %s while the Lease was held by %q",
					w.method, w.path, w.replica, w.at.Format("15:04:05.000000"), h))
			}
		}
	}
	if n > 0 {
		l.mu.Lock()
		lines = append(lines, "Lease writes (the last 60):")
		lines = append(lines, l.leaseWrites[max(0, len(l.leaseWrites)-60):]...)
		l.mu.Unlock()
	}
	return lines, n
}
