// Package flyte reads Flyte's secret requests and turns them into refs as Flyte's Kubernetes
// secret injector does.
//
// A Flyte task requests secrets with core.Secret{group, group_version, key, mount_requirement,
// env_var}; the group is the Kubernetes Secret's name. Flyte's propeller carries the requests to
// its pod webhook as annotations, flyte.secrets/s0, s1, …, each the request's protobuf text form
// base32-encoded (EncodeAnnotations, DecodeAnnotations), on pods labelled
// inject-flyte-secrets: "true" (PodLabel). A webhook built on inject/admission decodes them and
// calls Refs:
//
//	Secret{Group: "db", Key: "PASSWORD", MountRequirement: MountEnvVar}
//	    -> Ref{Secret: "db", Key: "PASSWORD", As: Env, EnvVar: "_FSEC_DB_PASSWORD", Optional: true}
//	Secret{Group: "db", Key: "PASSWORD", MountRequirement: MountEnvVar, EnvVar: "DB_PASS"}
//	    -> the ref above, and Ref{Secret: "db", Key: "PASSWORD", As: Env, EnvVar: "DB_PASS", Optional: true}
//	Secret{Group: "db", Key: "TLS.crt", MountRequirement: MountFile}   (MountAny is the same)
//	    -> Ref{Secret: "db", As: Mount, MountPath: "/etc/flyte/secrets/db",
//	           Items: [{Key: "TLS.crt", Path: "tls.crt"}], Optional: true}
//	Secret{Group: "db", Key: "TLS.crt", MountRequirement: MountFile, EnvVar: "DB_CERT"}
//	    -> the ref above, and the plain variable DB_CERT=/etc/flyte/secrets/db/tls.crt
//
// and exactly the plain variables Flyte sets: FLYTE_SECRETS_ENV_PREFIX=_FSEC_ when some request
// is ENV_VAR, FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets and FLYTE_SECRETS_FILE_PREFIX= (empty)
// when some request is FILE or ANY (Env returns all three). Every key of a group lands in one
// directory: the Mount refs of a group share their mount path, and inject merges them into one
// volume.
//
// When any one request fails, Flyte's webhook logs it and admits the pod with none of its
// secrets: it leaves the pod unchanged, so the task starts and fails later without them. Where
// Flyte would do that or emit an invalid pod, Refs returns an error saying why instead, so a
// webhook built on it denies the pod with the reason: a group that is not a
// valid Secret name (such as an AWS ARN), two keys of a group that become one file after
// lower-casing (MY_SECRET and my_secret), one variable set two ways. EncodeAnnotations writes
// exactly the bytes Flyte's propeller writes (golang/protobuf's MarshalTextString text form, not
// the newer prototext, whose whitespace is randomised), so pods annotated by either are
// interchangeable; DecodeAnnotations reads anything the protobuf text format allows.
package flyte
