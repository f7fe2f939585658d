// Package integration proves the podsecrets library against a real kube-apiserver
// backed by an embedded etcd, both started inside `go test`.
//
// It is a separate module so that users of the library never inherit k8s.io/kubernetes.
// Run it with:
//
//	cd integration && go test -count=1 -timeout 30m ./...
//
// A cold build compiles the API server and takes several minutes on two cores; the
// servers listen on loopback only and need no network.
package integration
