// Package noopwebhook is the no-op mutating admission webhook the integration suite times pod
// CREATE against (TestAPIServer/WebhookLatency): it admits every AdmissionReview v1 with no
// patch, doing no more than reading the review's uid, so that the latency of a real webhook
// can be reported as a ratio to the least a webhook costs on the same API server, TLS and URL
// form. It is served in the test's process (httptest) or as the process cmd/noop-webhook. Given
// a fixed patch it is a webhook that mutates without computing anything: the API server's own
// share of a mutation's cost.
package noopwebhook
