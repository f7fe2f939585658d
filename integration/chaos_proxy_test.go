package integration

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// faultProxy forwards TCP connections from a port on 127.0.0.1 to a backend
// (the current kube-apiserver), so that a client keeps one address across API
// server restarts, and it injects network faults: cut resets every live
// connection, refuse also resets every new one until the time is up. TLS
// passes through untouched.
type faultProxy struct {
	ln net.Listener
	wg sync.WaitGroup // serve and every forward

	mu          sync.Mutex
	backend     string
	refuseUntil time.Time
	conns       map[net.Conn]struct{}
	closed      bool
}

// newFaultProxy listens on a free loopback port and forwards to backend; it stops when t ends.
func newFaultProxy(t *testing.T, backend string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: listen: %v", err)
	}
	p := &faultProxy{ln: ln, backend: backend, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// addr is the proxy's host:port.
func (p *faultProxy) addr() string { return p.ln.Addr().String() }

// setBackend sends new connections to backend and ends a refusal; live ones are cut, as a
// restarted server would.
func (p *faultProxy) setBackend(backend string) {
	p.mu.Lock()
	p.backend = backend
	p.refuseUntil = time.Time{}
	p.mu.Unlock()
	p.cut()
}

// cut resets every live connection.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		reset(c)
		delete(p.conns, c)
	}
}

// refuse cuts every live connection and resets every new one for d.
func (p *faultProxy) refuse(d time.Duration) {
	p.mu.Lock()
	p.refuseUntil = time.Now().Add(d)
	p.mu.Unlock()
	p.cut()
}

// admit ends a refusal early; new connections are forwarded again.
func (p *faultProxy) admit() {
	p.mu.Lock()
	p.refuseUntil = time.Time{}
	p.mu.Unlock()
}

// close stops listening, cuts everything and waits for the forwarding goroutines.
func (p *faultProxy) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.cut()
	p.wg.Wait()
}

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.mu.Lock()
		if p.closed || time.Now().Before(p.refuseUntil) {
			p.mu.Unlock()
			reset(c)
			continue
		}
		backend := p.backend
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.forward(c, backend)
	}
}

// forward copies bytes both ways until either side ends, then closes both.
func (p *faultProxy) forward(c net.Conn, backend string) {
	defer p.wg.Done()
	defer p.drop(c)
	b, err := net.DialTimeout("tcp", backend, 5*time.Second)
	if err != nil {
		return // the client sees its connection reset, as with a server that is down
	}
	p.mu.Lock()
	if _, live := p.conns[c]; !live { // cut while dialling
		p.mu.Unlock()
		reset(b)
		return
	}
	p.conns[b] = struct{}{}
	p.mu.Unlock()
	defer p.drop(b)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, b); done <- struct{}{} }()
	<-done
	p.drop(c)
	p.drop(b)
	<-done
}

// drop closes c and forgets it.
func (p *faultProxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

// reset closes c with a TCP RST, as a refused or broken connection looks to a client.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
