// Package runai reads Run:ai's secret references, the -e flags of `runai submit`.
//
// Run:ai passes environment variables to a workload with `-e NAME=VALUE`. A value that
// starts with "SECRET:" (case-sensitive) names a key of a Kubernetes Secret in the
// project's namespace instead of a literal value:
//
//	runai submit -i ubuntu -e MYUSERNAME=SECRET:my-secret,username -e LOG_LEVEL=debug
//
// becomes one ref and one plain variable:
//
//	-e MYUSERNAME=SECRET:my-secret,username  ->  secretspec.Ref{Secret: "my-secret", Key: "username",
//	                                                As: secretspec.Env, EnvVar: "MYUSERNAME"}
//	-e LOG_LEVEL=debug                       ->  corev1.EnvVar{Name: "LOG_LEVEL", Value: "debug"}
//
// The refs go to inject.Apply and the plain variables to inject.WithEnv, so nothing given on
// the command line is lost.
//
// Run:ai itself checks nothing: a wrong reference only fails when the pod is created. ParseEnv
// and ParseEnvs reject, with the flag's position and the byte offset of the problem, a flag
// without '=', an empty or invalid variable name (one that begins with '-' or holds a space
// too: Kubernetes would take it, but it means a whole flag was pasted as a value), a reference without a key, an empty secret
// or key, extra commas, a secret name that is not a DNS-1123 subdomain, a key that is not a
// valid Secret key, and (ParseEnvs) the same variable given twice. Errors never quote a
// variable's value: a plain value may itself be a password.
//
// Cluster-wide secrets: a Secret in the namespace ClusterWideNamespace ("runai") labelled
// ClusterWideLabel=ClusterWideLabelValue (runai/cluster-wide="true") is copied into every
// project namespace, ProjectNamespacePrefix + project ("runai-<project>"). The propagate
// package does the copying; this package only names the convention.
package runai
