// Noop-webhook serves noopwebhook.Handler at /mutate over TLS, as a process, for the
// integration suite's webhook latency comparison against a webhook served as a process:
//
//	noop-webhook --addr 127.0.0.1:0 --cert tls.crt --key tls.key
//
// Its server is set up as examples/flyte-webhook's serve sets up its own (TLS 1.2 or later,
// HTTP/2 offered, the same timeouts), so that the two differ only in what they do with a review.
// Its first line on standard output is "listening on ADDR"; it stops on SIGTERM or SIGINT.
package main
