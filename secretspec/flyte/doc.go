// Package flyte reads Flyte's secret requests and turns them into what a pod needs, as Flyte's
// pod webhook does for each of its secret managers.
//
// A Flyte task requests secrets with core.Secret{group, group_version, key, mount_requirement,
// env_var}; for Kubernetes Secrets the group is the Secret's name. Flyte's propeller carries the requests to
// its pod webhook as annotations, flyte.secrets/s0, s1, …, each the request's protobuf text form
// base32-encoded (EncodeAnnotations, DecodeAnnotations), on pods labelled
// inject-flyte-secrets: "true" (PodLabel). A webhook built on inject/admission hands each pod to
// PodRefs, which decodes them and calls Plan (every manager, below); Refs is Kubernetes Secrets
// only:
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
//
// # Every manager: Plan
//
// Refs is Flyte's Kubernetes injector alone. Plan is Flyte's whole webhook: it takes the
// webhook's configuration (ParseConfig reads Flyte's own file; DefaultConfig is Flyte's
// defaults) and returns the refs and a secretspec.Extras for inject.WithExtras:
//
//	cfg, err := flyte.ParseConfig(data)             // flytepropeller's config, or its webhook section
//	cfg.Global = flyte.GlobalSecrets(os.LookupEnv, os.DirFS(flyte.GlobalDir))
//	webhook := &admission.Webhook{Refs: flyte.PodRefs(cfg)} // Flyte's pod webhook
//
// PodRefs is, for each pod, DecodeAnnotations, then Plan, then KeepPodAnnotations (the pod's own
// annotations win, as in Flyte). A caller with the requests in hand calls Plan itself:
//
//	refs, x, err := flyte.Plan(secrets, cfg)
//
// Every ref's Origin names the request that gave it, and every error its place: the annotation
// ("flyte.secrets/s2", "flyte.secrets/s2.group") through PodRefs, where a pod author reads it; the
// position in the list ("secrets[2]", "secrets[2].group") through Plan and Refs. Every error the
// package returns starts with "flyte: ", once; several problems follow it one per line ("flyte:
// 3 problems:"), and a name that is not valid is said in words ("must not contain ":" at byte 3;
// a DNS-1123 subdomain is …"), not with apimachinery's regular expression.
//
// Each request is first looked up among the webhook's own secrets (Config.Global), unless it is
// a FILE request: a value found becomes the plain variable _FSEC_<GROUP>_<KEY>, written in clear
// text into the pod spec, where anyone who may read the pod reads it (see SECURITY.md). Every
// other request goes to the configured manager:
//
//   - K8s: Refs.
//   - Vault: the HashiCorp Vault agent injector's annotations, as Flyte writes them; the group
//     is a Vault path, the key a field of the secret (for group_version db, only the file's
//     name); the file is /etc/flyte/secrets/<group>/<key>, as spelled.
//   - AWS: one init container per request running Flyte's AWS Secrets Manager sidecar with
//     SECRET_ARN=<group>:<key> and SECRET_FILENAME=/<group>/<key> (lower-cased), on the
//     in-memory volume aws-secret-vol; the group is the ARN up to ":secret", the key the
//     secret's name.
//   - GCP: one init container per request running gcloud, which writes version group_version of
//     the secret group to /etc/flyte/secrets/<group>/<group_version> (lower-cased), volume
//     gcp-secret-vol; group_version is required, the key is not used.
//   - Azure (Flyte 2): one init container per request running az, which writes the Key Vault
//     secret whose URI is the group to /etc/flyte/secrets/<name>, or <name>/<group_version>
//     (lower-cased), volume azure-secret-vol; the key is not used.
//
// The fetching managers mount their volume read-only at /etc/flyte/secrets in every container
// (Extras.Mounts, Extras.Containers nil); each fetcher carries its own mount of it. The fetchers
// get no plain variable: Plan writes none into them, and Extras.Env is meant for the pod's own
// containers. FLYTE_SECRETS_DEFAULT_DIR and FLYTE_SECRETS_FILE_PREFIX come with a file,
// FLYTE_SECRETS_ENV_PREFIX with a variable, and a request's env_var holds its file's path (for a
// variable, a copy of it).
//
// # Where podsecrets differs from Flyte, on purpose
//
//   - Errors deny the pod. Flyte's webhook logs a request it cannot serve and admits the pod
//     with none of its secrets; Plan and Refs return every problem, with its place and without
//     a value, so a webhook denies the pod with the reason.
//   - Re-invocation changes nothing. Flyte names a Vault request's annotations with a random
//     UUID and a fetcher by its position (aws-pull-secret-<n>), so a second pass of its webhook
//     duplicates them. Plan derives both from the file the request is delivered at (16
//     characters of a SHA-256 of its path), and identical requests give one fetcher.
//   - Fetchers run first. Flyte appends its fetchers after the pod's own init containers;
//     inject puts Extras.InitContainers before them, so every container, init containers
//     included, sees the files.
//   - FILE requests never meet the global secrets. Flyte looks them up too, and crashes its
//     webhook (a nil pod) when one is found; Plan hands them to the manager.
//   - Nothing reaches a shell unchecked. Flyte interpolates the GCP group and group_version (and
//     Flyte 2 the Azure URI and version) into sh -ec; Plan accepts there only names of letters,
//     digits and _ - . / :, and for Vault only paths and keys that cannot change the agent's
//     template. Requests that would fail in the cluster are errors too: an ARN that is not one,
//     a path with empty, . or .. elements, two requests writing one file differently, a file
//     that would be another's directory.
//   - Vault: a group_version other than kv1, kv2, db or empty is an error (Flyte falls back to
//     kvVersion silently).
//   - env_var is served by every manager. Flyte ignores it for Vault, GCP and Azure and for
//     global secrets; Plan sets it to the file's path (to the value, for a global secret).
//   - The fetchers get no plain variable (Flyte appends FLYTE_SECRETS_DEFAULT_DIR,
//     FLYTE_SECRETS_FILE_PREFIX and, for AWS, the env_var to them too; they do not read them).
//   - GlobalSecrets never leaves its directory (Flyte's joined path follows ".."), and reads
//     Flyte's default places only (ParseConfig does not read the secrets section's env-prefix
//     and secrets-prefix).
//   - ParseConfig refuses unknown keys (Flyte ignores them), reads Flyte 2's secretManagerTypes
//     only with one entry, refuses the Embedded manager and a secretEnvVarPrefix other than
//     _FSEC_, and reads an unquoted kvVersion 1 or 2 as written.
package flyte
