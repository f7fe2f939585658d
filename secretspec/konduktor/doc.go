// Package konduktor reads Konduktor's secrets: Kubernetes Secrets labelled with their owner,
// basename and kind, injected into their owner's workloads only.
//
// `konduktor secret create --kind=<kind> <basename>` stores a Secret named
// "<basename>-<owner>" (SecretName) with the labels parent=konduktor,
// trainy.ai/secret-owner=<owner>, trainy.ai/secret-basename=<basename> and
// trainy.ai/secret-kind=<kind> (Labels). Given the Secrets of a namespace and an owner id, Refs
// returns what that owner's workloads receive:
//
//	kind=default, basename my-default-file (key secret-file.txt)
//	    -> Ref{Secret: "my-default-file-<owner>", As: Mount, MountPath: "<root>/my-default-file"}
//	       $KONDUKTOR_DEFAULT_SECRETS/my-default-file/secret-file.txt
//	kind=default from a directory (encode.Tree("./tests/secrets"), tree annotation)
//	    -> the same, with Items from encode.TreeItems:
//	       $KONDUKTOR_DEFAULT_SECRETS/my-default-directory/secrets/secret-file.txt
//	kind=env, keys FOO and BAR
//	    -> Ref{Secret: "my-env-name-<owner>", Key: "BAR", As: Env, EnvVar: "BAR"}, then FOO
//	kind=git-ssh, key id_rsa
//	    -> Ref{Secret: "my-ssh-name-<owner>", Key: "id_rsa", As: GitSSH}  (GIT_SSH_COMMAND set by inject)
//	any default secret
//	    -> the plain variable KONDUKTOR_DEFAULT_SECRETS=<root> (DefaultRoot unless given)
//
// Konduktor zips a directory into one key and derives the owner from the user name and host;
// here a directory keeps its nested folders as real files (encode.Tree and TreeItems) and the
// owner id comes from the caller. An owner id must be a DNS-1123 label (Konduktor's own user
// hash is one) and is used verbatim, so no two owners can share a label value. Refs reports,
// naming the Secret, what Konduktor would silently get wrong: two git-ssh Secrets for one
// owner, a git-ssh Secret whose private key cannot be told apart, two default Secrets with one
// basename, an env key that is not a variable name or is set twice. It never shows a Secret's
// data.
package konduktor
