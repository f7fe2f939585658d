// Package secretspec is the vocabulary of podsecrets: a Ref says which Secret
// a workload uses and how it is delivered, in a canonical one-line text form
// that Parse reads and Ref.String writes, with validation of one ref
// (Ref.Validate) and of a whole list (ValidateRefs).
//
// The dialect packages below this one (runai, pachyderm, konduktor, flyte)
// turn other systems' notations into Refs; package inject applies Refs to a
// PodSpec. Refs hold names only, never secret values.
//
// # Text form
//
// The simple forms read naturally:
//
//	env:MYUSERNAME=my-secret/username      variable MYUSERNAME from key "username" of Secret "my-secret"
//	envFrom:my-env-name                    every key of "my-env-name" as a variable
//	mount:/var/my-app-secret=my-secret     every key of "my-secret" as a file under /var/my-app-secret
//	pull:regcred                           "regcred" in spec.imagePullSecrets
//	gitSSH:my-ssh-name                     key "ssh-privatekey" at /etc/git-ssh, and GIT_SSH_COMMAND
//
// and options follow after ";":
//
//	envFrom:app-config;prefix=APP_
//	mount:/etc/tls=my-tls/tls.crt;mode=0440              one key, the file /etc/tls/tls.crt
//	mount:/etc/x=my-secret;items=tls.crt:certs/tls.crt,tls.key:certs/tls.key@0400;mode=0440;optional;containers=main,sidecar
//	gitSSH:/root/.ssh=deploy-key/id_ed25519;items=hosts:known_hosts
//	env:TOKEN=api/token;optional;containers=main
//
// The grammar (ABNF-like; the head is everything before the first ";"):
//
//	ref        = env / envFrom / mount / pull / gitSSH
//	env        = "env:"     value "=" name "/" key options   ; value: the env var name
//	envFrom    = "envFrom:" name [ "/" key ] options
//	mount      = "mount:"   value "=" name [ "/" key ] options   ; value: the mount path
//	pull       = "pull:"    name [ "/" key ] options
//	gitSSH     = "gitSSH:"  [ value "=" ] name [ "/" key ] options   ; value: the mount path
//	options    = *( ";" option )     ; each option at most once, in any order
//	option     = "prefix=" value / "items=" item *( "," item ) / "mode=" mode / "optional"
//	           / "containers=" name *( "," name ) / "envVar=" value / "path=" value
//	item       = key ":" value [ "@" mode ]   ; Secret key, relative path, file mode
//	mode       = 1*( "0"-"7" )                ; octal: 0644 and 644 are the same mode
//	name, key  = text without "/"             ; Secret names, keys, container names
//	value      = text                         ; names, paths and prefixes may hold "/"
//	text       = *( %x20-7E except the delimiters / "%" 2HEXDIG / other bytes )
//	delimiters = "%" ";" "," "=" ":" "@"  (and "/" in name and key)
//
// Escaping: inside any text, a delimiter byte is written as "%" and two hex
// digits of its value: "%25" for "%", "%3B" ";", "%2C" ",", "%3D" "=", "%3A" ":",
// "%40" "@", and "%2F" for "/" in Secret names, keys and container names. String
// also escapes every byte outside printable ASCII (below 0x20 and from 0x7F), so
// its output is one printable line; space stays a space. Parse accepts either
// case of hex digits and takes any other byte as it is, but rejects a raw
// delimiter inside a text. So a mount path "/data/a=b; c" is written
// "mount:/data/a%3Db%3B c=my-secret".
//
// The options "envVar" and "path" (and a key after the secret name on envFrom
// or pull) only exist so that String can print every field of any Ref; they are
// accepted by the grammar and then rejected by validation. For env the name,
// and for mount and gitSSH the mount path, belong before "=", and the options
// of the same name are syntax errors there.
//
// A nil Mode and a zero one stay distinct ("mode=0"), and so do an absent Key
// and the default one: String prints what the Ref holds, and never fills
// defaults in. Empty Items and Containers lists print nothing.
//
// Parse returns a *SyntaxError (what it expected, at which byte) for malformed
// text, and the Validate errors, as one error listing them (a utilerrors.Aggregate), for a
// well-formed but invalid ref. For every valid r, Parse(r.String()) returns r
// (with nil and empty slices counted equal).
//
// # Validation of one ref
//
// Ref.Validate reports every problem with its field path:
//
//   - as: one of env, envFrom, mount, pull, gitSSH.
//   - secret: required, a DNS-1123 subdomain.
//   - key, items[i].key: a valid Secret key (IsConfigMapKey).
//   - envVar, prefix: printable ASCII other than "=" (IsRelaxedEnvVarName, the
//     rule of the supported API servers); a prefix is checked as a name of its own.
//   - mountPath: absolute, clean (path.Clean leaves it as it is, so no "." or
//     ".." element), not "/", no NUL byte, at most 4096 bytes with elements of
//     at most 255 (the kubelet's limits).
//   - items[i].path: required, relative, no ".." element, not starting with
//     "..", not "." itself, no NUL byte, the same length limits; no two items
//     write the same file (after path.Clean) and no file is another item's
//     directory.
//   - mode, items[i].mode: 0 to 0777.
//   - containers: nil for every container; otherwise a non-empty list of
//     distinct DNS-1123 labels.
//
// and what each delivery requires or does not use (Forbidden):
//
//	          key        envVar    prefix    mountPath  items        mode         optional  containers
//	env       required   required  -         -          -            -            yes       yes
//	envFrom   -          -         optional  -          -            -            yes       yes
//	mount     optional   -         -         required   optional(*)  optional     yes       yes
//	pull      -          -         -         -          -            -            -         -
//	gitSSH    optional   -         -         optional   known_hosts  nil or 0400  yes       yes
//
// (*) a mount sets Key (one file named after the key) or Items, not both; with
// neither it mounts every key. A gitSSH ref's key defaults to DefaultGitSSHKey
// and its mount path to DefaultGitSSHPath (see Ref.Normalize); its items may
// only have the path "known_hosts" (any key), which must not also be the
// private key's key.
//
// # Conflicts between refs
//
// ValidateRefs validates each ref and then, among the refs that are valid on
// their own, looks for conflicts between refs whose container sets intersect
// (a nil Containers intersects everything). Refs on disjoint containers never
// conflict. A conflict is reported once, on the later ref, naming an earlier
// one; a ref in conflict takes no part in later checks. A ref is named by its
// Origin when it has one, else by its index below the caller's path:
//
//	refs[3].envVar: Duplicate value: "TOKEN": also set by refs[1] from secret "a" key "b"
//	transform.secrets[1].envVar: Duplicate value: "TOKEN": also set by transform.secrets[0] from secret "a" key "b"
//
// The rules, which package inject relies on:
//
//   - Identical refs are not a conflict: applying a ref twice is the same as once.
//   - Variables: two env refs may set the same variable only from the same
//     Secret, key and optional flag. A gitSSH ref sets GIT_SSH_COMMAND, which no
//     env ref may also set. Variables of envFrom refs are not known here.
//   - GitSSH: at most one distinct gitSSH ref per container (refs equal in all
//     but Containers are the same ref; a nil mode equals 0400).
//   - Mount paths: a gitSSH directory is a path of its own; no mount ref may use
//     it. Two mount refs at one path must name the same Secret with the same Mode
//     and Optional, and either both mount every key or both choose keys.
//   - Merging: mount refs of the same Secret at the same path, with chosen keys,
//     merge into one volume. A Key K counts as the item {Key: K, Path: K}. The
//     merged items must not put two different keys (or one key with two modes)
//     at one file, nor a file where another item needs a directory; the same
//     item listed twice is fine.
//   - Nested mount paths (/etc/a and /etc/a/b) are allowed, as in Kubernetes.
//
// So when ValidateRefs returns nothing, inject may merge the mounts of one
// Secret at one path into one volume, add each variable once, and give each
// container at most one gitSSH ref, without meeting a clash between refs.
package secretspec
