// Package pachyderm reads Pachyderm's secret references: a pipeline's transform.secrets and
// transform.image_pull_secrets.
//
// A pipeline spec (JSON or YAML) names Secrets in its transform:
//
//	"transform": {
//	  "secrets": [
//	    {"name": "clearml", "env_var": "CLEARML_API_ACCESS_KEY", "key": "access"},
//	    {"name": "tls-certs", "mount_path": "/var/my-app-secret"},
//	    {"name": "db", "env_var": "DB_PASSWORD", "key": "password", "mount_path": "/etc/db"}
//	  ],
//	  "image_pull_secrets": ["regcred", "regcred"]
//	}
//
// and ParseTransform turns each entry into refs, in entry order:
//
//	{name, env_var, key}             ->  Ref{Secret: name, Key: key, As: Env, EnvVar: env_var}
//	{name, mount_path}               ->  Ref{Secret: name, As: Mount, MountPath: mount_path}  (every key as a file)
//	{name, env_var, key, mount_path} ->  both of the above, the Env ref first
//	image_pull_secrets: [n, n]       ->  Ref{Secret: n, As: PullSecret}, once per name, after the others
//
// As in Pachyderm, mount_path mounts every key of the Secret and key only feeds env_var.
// Where Pachyderm silently misbehaves this package is strict: env_var without key, an entry with
// neither env_var nor mount_path, a key with mount_path but no env_var (the key would be ignored),
// a variable or mount path claimed twice, an invalid Secret name, key, variable name or a relative
// mount path are errors naming the entry, such as "transform.secrets[2].env_var". Pachyderm
// names each volume after the raw Secret name, which breaks for a name with '.' or a Secret
// mounted twice; the inject package derives valid, unique volume names instead.
//
// ParseTransform accepts a whole pipeline spec or only its transform object, in JSON or YAML,
// and also the lowerCamel field names (mountPath, envVar, imagePullSecrets) that Pachyderm's
// protobuf JSON reader accepts. The input holds one document: content after the JSON object or
// a second YAML document is a *SyntaxError saying where it starts. Input longer than 3 MiB (the
// Kubernetes API server's limit on one request) is refused before it is parsed. Its errors never
// quote the input.
//
// ParsePipeline reads the same input once for everything a worker pod is built from: the refs,
// the pipeline's name, the transform's image and cmd, and its env (plain variables, for
// inject.WithEnv):
//
//	p, err := pachyderm.ParsePipeline(spec)
//	pod := &corev1.PodSpec{Containers: []corev1.Container{{Name: "user", Image: p.Image, Command: p.Cmd}}}
//	out, err := inject.Apply(pod, p.Refs, inject.WithEnv(p.Env...))
//
// An unknown field in a secrets entry is reported as one, with the accepted spellings; it hides
// no other entry's problems.
package pachyderm
