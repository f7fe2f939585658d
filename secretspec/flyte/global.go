package flyte

import (
	"io/fs"
	"strings"
)

// Where Flyte's webhook finds its global secrets, by default (flytepropeller's secrets section,
// env-prefix and secrets-prefix).
const (
	// GlobalEnvPrefix starts the webhook's own variable of a global secret:
	// FLYTE_SECRET_<GROUP>_<KEY>, group and key upper-cased.
	GlobalEnvPrefix = "FLYTE_SECRET_"
	// GlobalDir is the directory of the webhook's own secret files: <GlobalDir>/<group>/<key>,
	// as spelled in the request.
	GlobalDir = "/etc/secrets"
)

// GlobalSecrets returns Flyte's global secret lookup, for Config.Global: the webhook's own
// variable GlobalEnvPrefix+upper(group)+"_"+upper(key) through lookupEnv, or else the file
// <group>/<key> of files (Flyte reads GlobalDir: pass os.DirFS(GlobalDir)), its content
// unchanged. A nil lookupEnv or files is skipped. It reads nothing else: a group or key that
// would make the file's path leave files (".." elements, a leading "/"), and a file that cannot
// be read, count as not found. A webhook passes os.LookupEnv; tests pass a map's lookup and
// fstest.MapFS.
func GlobalSecrets(lookupEnv func(string) (string, bool), files fs.FS) func(group, key string) (string, bool) {
	return func(group, key string) (string, bool) {
		if group == "" || key == "" {
			return "", false
		}
		if lookupEnv != nil {
			if v, ok := lookupEnv(GlobalEnvPrefix + strings.ToUpper(group) + "_" + strings.ToUpper(key)); ok {
				return v, true
			}
		}
		if files == nil {
			return "", false
		}
		name := group + "/" + key
		if !fs.ValidPath(name) {
			return "", false
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return "", false
		}
		return string(b), true
	}
}
