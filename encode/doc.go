// Package encode builds, decodes, validates, merges and hashes Kubernetes
// Secret objects, with the semantics of kubectl create secret.
//
// # Building
//
// Generic takes Sources — Literal, File, FileAs, Dir, EnvFile and Tree — and
// returns the Secret kubectl create secret generic would make from the same
// inputs: same type (empty) and byte-for-byte the same data. DockerRegistry,
// TLS, SSHAuth and BasicAuth make the typed Secrets. Every Secret built here
// has apiVersion v1 and kind Secret, a non-nil Data map, and passes
// Validate; Hash and WithHashSuffix give kubectl's --append-hash suffix.
//
// kubectl's rules kept here: a literal's key and value are apart (kubectl
// splits --from-literal on the first '='); a file's key is its base name
// unless FileAs names it; a directory (Dir) takes only the regular files
// directly inside it, no subdirectories and no symlinks; an invalid or
// duplicate key is an error naming the key and its source; an env file
// skips blank and '#' lines, strips a byte order mark from the first line,
// trims leading whitespace, keeps quotes and trailing spaces in values, and
// checks names with IsEnvVarName.
//
// The one deliberate difference from kubectl: an env-file line without '='
// (for which kubectl reads the value from its own environment) is an
// *EnvFileError, because the output must not depend on the caller's
// environment. Also, File, FileAs and EnvFile refuse devices and pipes, and
// an env-file line longer than MaxSize plus 4 KiB is an error where kubectl
// silently stops reading.
//
// Tree goes beyond kubectl: a directory with nested folders becomes flat
// keys (TreeKey) plus the TreeAnnotation mapping them back to paths, and
// TreeItems turns that mapping into the Items of a secret volume. TreeFile
// adds one file at a tree path, for a caller that walks a directory by rules
// of its own (which files to take, which symlinks to follow).
//
// Typed builders refuse what cannot work: TLS needs a pair that
// crypto/tls.X509KeyPair loads, as kubectl does; SSHAuth needs a key that
// golang.org/x/crypto/ssh parses and refuses a passphrase-protected one (a
// pod has nobody to type the passphrase).
//
// # Trees
//
// Tree follows relative symlinks only inside the tree: one that is
// absolute, resolves outside it, dangles, or leads back into its own parent
// directory (a loop) is an error, never silently skipped; files are opened
// through an os.Root, so nothing outside the tree is ever read. Devices,
// pipes and sockets are skipped. The mapping is stored in TreeAnnotation as a compact JSON object from key to
// path with sorted keys; TreeItems validates every path (relative, no empty,
// "." or ".." element, not starting with "..", no path inside another) and
// Merge unites two mappings, refusing a key at two paths.
//
// # Manifests
//
// Decode reads one JSON or YAML Secret (stringData folded into data, as the
// API server does; field names case-sensitive, as in the server's strict
// decoding) and Marshal writes one with sorted maps, refusing a data key the
// server would refuse; Decode(Marshal(s)) equals s for every Secret this
// package builds or decodes that Validate accepts. Validate checks
// what the API server's ValidateSecret checks, except that it also requires
// .dockercfg and .dockerconfigjson to be JSON objects (the server lets
// "null" pass) and checks the tree annotation.
//
// # Limits
//
// The decoded data of a Secret may total MaxSize (1 MiB) bytes, as the API
// server allows. Builders stop with a *SizeError as soon as a source would
// pass the limit, checking a file's size before reading it and never reading
// more than one byte past the limit.
//
// # Secrets stay secret
//
// No error, panic or String method of this package contains a secret value
// or a line of an input file: errors name sources, keys, line numbers and
// byte offsets only.
package encode
