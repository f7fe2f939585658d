// Package flytebench measures podsecrets' admission handler against Flyte's own pod webhook
// (flytepropeller v1.16.8, flytepropeller/pkg/webhook) on the same AdmissionReview: bytes in,
// response out, each handler as its webhook server would call it. It is a Go module of its own
// so that the library never depends on Flyte; it holds no code of Flyte's, it calls it.
//
// Both sides run with Flyte's defaults: the K8s secret manager, the global secrets looked up
// first (the webhook's FLYTE_SECRET_<GROUP>_<KEY> variables and /etc/secrets/<group>/<key>),
// existing entries kept. Flyte's PodMutator is served by controller-runtime's
// admission.Webhook, as Flyte registers it; podsecrets' admission.Webhook takes the pod's
// flyte.secrets/sN annotations through flyte.PodRefs. TestSameMutation proves both make the
// same pod (variables, mounts and the Secrets they read) before the benchmark compares them.
//
//	cd bench/flyte
//	go test -count=1 .                                                      # the equivalence test
//	go test -run '^$' -bench Review -benchmem -count 6 . | tee review.txt   # ~1 min
//	benchstat -col /impl review.txt                                         # ratios against impl=flyte
//
// impl=baseline is the least any webhook does (decode the review and its pod, encode an empty
// response), measured in the same run. BENCHMARKS.md gives the figures.
package flytebench
