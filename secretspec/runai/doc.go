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
//	                                                As: secretspec.Env, EnvVar: "MYUSERNAME",
//	                                                Origin: "1st -e flag"}
//	-e LOG_LEVEL=debug                       ->  Extras.Env: corev1.EnvVar{Name: "LOG_LEVEL", Value: "debug"}
//
// ParseEnvs returns both in the shape inject takes, so nothing given on the command line is
// lost:
//
//	refs, extras, err := runai.ParseEnvs(flags)
//	out, err := inject.Apply(spec, refs, inject.WithExtras(extras))
//
// Each ref's Origin is its flag as a person counts it ("3rd -e flag"), so that every later
// error about it (secretspec.ValidateRefs, preflight.Check, inject) names the flag the user
// typed. Every error this package returns starts with "runai: ", once; several problems follow
// it one per line ("runai: 3 problems:").
//
// Cluster-wide secrets: a Secret in the namespace ClusterWideNamespace ("runai") labelled
// ClusterWideLabel=ClusterWideLabelValue (runai/cluster-wide="true") is copied into every
// project namespace, ProjectNamespacePrefix + project ("runai-<project>"). The propagate
// package does the copying; this package only names the convention.
//
// # Where podsecrets differs from Run:ai, on purpose
//
// Run:ai itself checks nothing: a wrong reference only fails when the pod is created, or later.
// ParseEnv and ParseEnvs refuse, with the flag's position and the byte offset of the problem:
//
//   - a flag without '=', and an empty variable name;
//   - a variable name Kubernetes refuses, and one that begins with '-' or holds a space
//     (Kubernetes would take it, but it means a whole flag, or several, was pasted as a value);
//   - a reference without a key, an empty secret or key, and extra commas;
//   - a secret name that is not a DNS-1123 subdomain and a key that is not a valid Secret key;
//   - (ParseEnvs) the same variable given by two flags.
//
// Errors never quote a variable's value: a plain value may itself be a password.
package runai
