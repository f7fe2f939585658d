package integration

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// countingClient returns a clientset whose HTTP requests are counted, and the counter.
func (c *cluster) countingClient(t *testing.T) (kubernetes.Interface, *requestCounter) {
	t.Helper()
	counter := &requestCounter{}
	config := rest.CopyConfig(c.config)
	config.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return &countingTransport{next: rt, counter: counter}
	})
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("building a counting clientset: %v", err)
	}
	return client, counter
}

// requestCounter counts HTTP requests. A LIST spread over several pages is
// one logical read: requests that carry a continue token are counted apart.
type requestCounter struct {
	requests     atomic.Int64 // every request
	reads        atomic.Int64 // GET and HEAD without a continue token
	pages        atomic.Int64 // GET with a continue token: further pages of a LIST
	writes       atomic.Int64 // every other method
	secretWrites atomic.Int64 // writes to a path holding /secrets
}

// snapshot returns the current counts.
func (r *requestCounter) snapshot() requestCounts {
	return requestCounts{
		Requests:     r.requests.Load(),
		Reads:        r.reads.Load(),
		Pages:        r.pages.Load(),
		Writes:       r.writes.Load(),
		SecretWrites: r.secretWrites.Load(),
	}
}

// requestCounts is a snapshot of a requestCounter.
type requestCounts struct {
	Requests, Reads, Pages, Writes, SecretWrites int64
}

// since returns the counts made after before.
func (r requestCounts) since(before requestCounts) requestCounts {
	return requestCounts{
		Requests:     r.Requests - before.Requests,
		Reads:        r.Reads - before.Reads,
		Pages:        r.Pages - before.Pages,
		Writes:       r.Writes - before.Writes,
		SecretWrites: r.SecretWrites - before.SecretWrites,
	}
}

// String reports the counts.
func (r requestCounts) String() string {
	return fmt.Sprintf("%d requests: %d reads (+%d further LIST pages), %d writes", r.Requests, r.Reads, r.Pages, r.Writes)
}

// countingTransport counts every request it passes on.
type countingTransport struct {
	next    http.RoundTripper
	counter *requestCounter
}

// RoundTrip counts req and sends it.
func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.counter.requests.Add(1)
	switch {
	case req.Method == http.MethodGet || req.Method == http.MethodHead:
		if req.URL.Query().Get("continue") != "" {
			c.counter.pages.Add(1)
		} else {
			c.counter.reads.Add(1)
		}
	default:
		c.counter.writes.Add(1)
		if strings.Contains(req.URL.Path, "/secrets") {
			c.counter.secretWrites.Add(1)
		}
	}
	return c.next.RoundTrip(req)
}
