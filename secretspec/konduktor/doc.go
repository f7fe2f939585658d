// Package konduktor reads Konduktor's secrets: Kubernetes Secrets labelled with their owner,
// basename and kind, injected into their owner's workloads only, into Konduktor's task
// container only.
//
// `konduktor secret create --kind=<kind> <basename>` stores an Opaque Secret named
// "<basename>-<owner>" (SecretName; the basename passes ValidateBasename) with the labels
// parent=konduktor, trainy.ai/secret-owner=<owner>, trainy.ai/secret-basename=<basename> and
// trainy.ai/secret-kind=<kind> (Labels). Given the Secrets of a namespace and an owner id, Refs
// returns what that owner's workloads receive, every ref for MainContainer
// ("konduktor-container") alone:
//
//	kind=default, basename my-default-file (key secret-file.txt)
//	    -> Ref{Secret: "my-default-file-<owner>", As: Mount, MountPath: "<root>/my-default-file"}
//	       $KONDUKTOR_DEFAULT_SECRETS/my-default-file/secret-file.txt
//	kind=default from a directory (encode's tree annotation)
//	    -> the same, with Items restoring the directory:
//	       $KONDUKTOR_DEFAULT_SECRETS/my-default-directory/secrets/secret-file.txt
//	kind=env, keys FOO and BAR
//	    -> Ref{Secret: "my-env-name-<owner>", Key: "BAR", As: Env, EnvVar: "BAR"}, then FOO
//	kind=git-ssh, key gitkey
//	    -> Ref{Secret: "my-ssh-name-<owner>", Key: "gitkey", As: GitSSH}  (GIT_SSH_COMMAND set by inject)
//	any default secret
//	    -> Extras.Env KONDUKTOR_DEFAULT_SECRETS=<root> (DefaultRoot unless given)
//
// Each ref's Origin names its secret as its user knows it, by basename and kind:
// `secret "my-env-name" (kind env)`; errors use it as their path.
//
// What Konduktor does, read from its code (Trainy-ai/konduktor: konduktor/cli.py, `secret
// create|list|delete`; backends/pod_utils.py, create_pod_spec; utils/kubernetes_utils.py,
// set_secret, list_secrets, get_secret_kind), and kept here: the owner's Secrets are found by
// the owner label alone; one without a kind label or of another kind (Konduktor's own storage
// credentials and konduktor-ssh-keys-<owner>) is not injected and is no error; Secrets are read
// in name order, the first git-ssh Secret is used, and of two env Secrets setting one variable
// the later wins; env keys become variables verbatim; a default Secret without a basename label
// is mounted at its Secret name. The precedence task env > env secrets > the template's env is
// built with inject's order (see Refs). The variables Konduktor sets for its secrets count as the
// template's: an env secret that sets KONDUKTOR_DEFAULT_SECRETS or GIT_SSH_COMMAND wins over
// them (the git-ssh key is then mounted as a plain file, mode 0400, where GitSSH puts it).
//
// Deliberate differences from Konduktor:
//
//   - A directory is kept as real files: encode's tree keys and annotation, mounted with Items
//     (encode.TreeItems), where Konduktor zips it into one key, payload.zip, that the pod unzips.
//     Keys outside the tree (a file created under the name of a directory secret) are mounted
//     beside it, as Konduktor's unzipped files sit beside them; a key whose file would be a
//     directory of the tree is an error where Konduktor's unzip would fail in the pod.
//   - The owner id comes from the caller and must be a DNS-1123 label, used verbatim; Konduktor
//     derives it from the user name and the machine (a hash that is one).
//   - GIT_SSH_COMMAND is podsecrets' (see secretspec.GitSSH: the key file at
//     /etc/git-ssh/gitkey, mode 0400, accept-new host checking).
//   - A broken default Secret (an unreadable tree annotation, two default Secrets mounted at one
//     path) is an error naming it, before any pod exists; in Konduktor the pod fails to start.
//
// The secret commands themselves (`konduktor secret create|list|delete`) are rules of the CLI and
// live in examples/konduktor, which follows Konduktor's cli.py with these differences, listed in
// its documentation: the directory is walked into real files (encode.TreeFile) instead of a zip,
// with Konduktor's rules (dotfiles in, .DS_Store out, symlinks followed wherever they point,
// refused only when unreadable or in a directory cycle); --inline may repeat; a Secret of the
// name that is not the user's Konduktor secret is refused, never patched; a patch whose file
// would sit where the directory has a folder is refused; every git-ssh secret of the user is
// deleted before a new one is stored, not only the first found.
//
// No error shows a Secret's data.
package konduktor
