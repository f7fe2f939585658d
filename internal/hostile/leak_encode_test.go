package hostile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/encode"
)

func encodeBuilderLeakCases(t *testing.T) []leakCase {
	big := strings.Repeat(sentinel, encode.MaxSize/len(sentinel)+2)
	generic := func(name string, srcs ...func(dir string) encode.Source) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, _ context.Context) leakOut {
			dir := t.TempDir()
			var ss []encode.Source
			for _, f := range srcs {
				ss = append(ss, f(dir))
			}
			return secretOut(encode.Generic(name, ss...))
		}
	}
	lit := func(k, v string) func(string) encode.Source {
		return func(string) encode.Source { return encode.Literal(k, v) }
	}
	envFile := func(content string) func(string) encode.Source {
		return func(dir string) encode.Source {
			return encode.EnvFile(writeFile(t, dir, "app.env", content))
		}
	}
	file := func(name, content string) func(string) encode.Source {
		return func(dir string) encode.Source { return encode.File(writeFile(t, dir, name, content)) }
	}
	fileAs := func(key, content string) func(string) encode.Source {
		return func(dir string) encode.Source { return encode.FileAs(key, writeFile(t, dir, "f", content)) }
	}
	dirSrc := func(files map[string]string) func(string) encode.Source {
		return func(dir string) encode.Source {
			d := filepath.Join(dir, "d")
			for n, c := range files {
				writeFile(t, d, n, c)
			}
			return encode.Dir(d)
		}
	}
	tree := func(files map[string]string, links map[string]string) func(string) encode.Source {
		return func(dir string) encode.Source {
			d := filepath.Join(dir, "tree")
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			for n, c := range files {
				writeFile(t, d, n, c)
			}
			for n, target := range links {
				if err := os.Symlink(target, filepath.Join(d, n)); err != nil {
					t.Fatal(err)
				}
			}
			return encode.Tree(d)
		}
	}
	outside := func(dir string) encode.Source {
		writeFile(t, dir, "outside.txt", sentinel)
		return encode.Literal("ok", "x")
	}
	certPEM, keyPEM := selfSigned(t)
	_, otherKey := selfSigned(t)
	sshKey, sshEncrypted := sshKeys(t)

	E := "encode.Generic"
	return []leakCase{
		{E, "Literal invalid key", true, generic("s", lit("bad key!", sentinel))},
		{E, "Literal empty key", true, generic("s", lit("", sentinel))},
		{E, "Literal key '..'", true, generic("s", lit("..", sentinel))},
		{E, "Literal duplicate key", true, generic("s", lit("k", sentinel), lit("k", sentinel2))},
		{E, "Literal oversized", true, generic("s", lit("k", big))},
		{E, "Literal second pushes over limit", true, generic("s", lit("a", big[:encode.MaxSize-10]), lit("b", sentinel))},
		{E, "invalid Secret name", true, generic("Bad_Name!", lit("k", sentinel))},
		{E, "empty Secret name", true, generic("", lit("k", sentinel))},
		{E, "File invalid base name", true, generic("s", file("bad name!.txt", sentinel))},
		{E, "File oversized", true, generic("s", file("big.txt", big))},
		{E, "File duplicate of literal", true, generic("s", lit("f.txt", sentinel2), file("f.txt", sentinel))},
		{E, "File missing", true, generic("s", lit("a", sentinel), func(dir string) encode.Source { return encode.File(filepath.Join(dir, "nope")) })},
		{E, "File is a directory", true, generic("s", lit("a", sentinel), func(dir string) encode.Source { return encode.File(dir) })},
		{E, "FileAs invalid key", true, generic("s", fileAs("bad key", sentinel))},
		{E, "Dir with invalid file name", true, generic("s", dirSrc(map[string]string{"ok": sentinel, "bad name": sentinel2}))},
		{E, "Dir duplicate of literal", true, generic("s", lit("a", sentinel2), dirSrc(map[string]string{"a": sentinel}))},
		{E, "Dir oversized", true, generic("s", dirSrc(map[string]string{"a": big[:encode.MaxSize/2+1], "b": big[:encode.MaxSize/2+1]}))},
		{E, "EnvFile invalid name", true, generic("s", envFile("BAD NAME="+sentinel+"\n"))},
		{E, "EnvFile name starting with digit", true, generic("s", envFile("1A="+sentinel+"\n"))},
		{E, "EnvFile empty name", true, generic("s", envFile("="+sentinel+"\n"))},
		{E, "EnvFile line without '='", true, generic("s", envFile(sentinel+"\n"))},
		{E, "EnvFile line without '=' after good line", true, generic("s", envFile("A="+sentinel2+"\n"+sentinel+"\n"))},
		{E, "EnvFile duplicate name", true, generic("s", envFile("A="+sentinel+"\nA="+sentinel2+"\n"))},
		{E, "EnvFile duplicate of literal", true, generic("s", lit("A", sentinel2), envFile("A="+sentinel+"\n"))},
		{E, "EnvFile export prefix", true, generic("s", envFile("export A="+sentinel+"\n"))},
		{E, "EnvFile NUL in name", true, generic("s", envFile("A\x00B="+sentinel+"\n"))},
		{E, "EnvFile non-UTF-8 name", true, generic("s", envFile("A\xffB="+sentinel+"\n"))},
		{E, "EnvFile BOM then invalid name", true, generic("s", envFile("\uFEFF1A="+sentinel+"\n"))},
		{E, "EnvFile CRLF then invalid name", true, generic("s", envFile("A="+sentinel2+"\r\n1B="+sentinel+"\r\n"))},
		{E, "EnvFile value oversized", true, generic("s", envFile("A="+big+"\n"))},
		{E, "EnvFile values oversized together", true, generic("s", envFile("A="+big[:encode.MaxSize/2]+"\nB="+big[:encode.MaxSize/2+1]+"\n"))},
		{E, "EnvFile one line over the line limit", true, generic("s", envFile("A="+big+big+big+"\n"))},
		{E, "Tree symlink outside", true, generic("s", outside, tree(map[string]string{"a": sentinel}, map[string]string{"l": "../../outside.txt"}))},
		{E, "Tree absolute symlink", true, generic("s", tree(map[string]string{"a": sentinel}, map[string]string{"l": "/etc/hostname"}))},
		{E, "Tree dangling symlink", true, generic("s", tree(map[string]string{"a": sentinel}, map[string]string{"l": "nope"}))},
		{E, "Tree loop", true, generic("s", tree(map[string]string{"sub/a": sentinel}, map[string]string{"sub/loop": ".."}))},
		{E, "Tree oversized", true, generic("s", tree(map[string]string{"a/x": big[:encode.MaxSize/2+1], "b/y": big[:encode.MaxSize/2+1]}, nil))},
		{E, "Tree duplicate of literal", true, generic("s", lit(encode.TreeKey("tree/a"), sentinel2), tree(map[string]string{"a": sentinel}, nil))},
		{E, "TreeFile bad item path", true, generic("s", lit("a", sentinel2), func(dir string) encode.Source {
			return encode.TreeFile("t/../x", writeFile(t, dir, "f", sentinel))
		})},
		{E, "TreeFile item inside another's file", true, generic("s", func(dir string) encode.Source {
			return encode.TreeFile("t/x", writeFile(t, dir, "f", sentinel))
		}, func(dir string) encode.Source { return encode.TreeFile("t/x/y", writeFile(t, dir, "g", sentinel2)) })},
		{E, "TreeFile oversized", true, generic("s", func(dir string) encode.Source { return encode.TreeFile("t/big", writeFile(t, dir, "big", big)) })},
		{E, "TreeFile duplicate of literal", true, generic("s", lit(encode.TreeKey("t/x"), sentinel2), func(dir string) encode.Source {
			return encode.TreeFile("t/x", writeFile(t, dir, "f", sentinel))
		})},

		{"encode.DockerRegistry", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("Bad Name", "", "user", sentinel, ""))
		}},
		{"encode.DockerRegistry", "missing username", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("reg", "", "", sentinel, ""))
		}},
		{"encode.DockerRegistry", "oversized password", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("reg", "", "user", big, ""))
		}},
		{"encode.TLS", "garbage cert and key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", []byte(sentinel), []byte(sentinel2)))
		}},
		{"encode.TLS", "PEM blocks of garbage", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", pemBlock("CERTIFICATE", sentinel), pemBlock("PRIVATE KEY", sentinel2)))
		}},
		{"encode.TLS", "key does not match", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", certPEM, otherKey))
		}},
		{"encode.TLS", "valid pair, invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("Bad Name", certPEM, append(append([]byte{}, keyPEM...), "\n# "+sentinel+"\n"...)))
		}},
		{"encode.TLS", "key in cert slot", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", keyPEM, keyPEM))
		}},
		{"encode.SSHAuth", "garbage key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", []byte(sentinel), nil))
		}},
		{"encode.SSHAuth", "PEM block of garbage", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", pemBlock("OPENSSH PRIVATE KEY", sentinel), nil))
		}},
		{"encode.SSHAuth", "passphrase-protected key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", sshEncrypted, nil))
		}},
		{"encode.SSHAuth", "bad known_hosts line", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", sshKey, []byte("github.com "+sentinel+"\n")))
		}},
		{"encode.SSHAuth", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("Bad Name", sshKey, nil))
		}},
		{"encode.BasicAuth", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.BasicAuth("Bad Name", "user", sentinel))
		}},
		{"encode.BasicAuth", "oversized password", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.BasicAuth("basic", "user", big))
		}},
	}
}

func encodeManifestLeakCases() []leakCase {
	decode := func(manifest string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			s, err := encode.Decode([]byte(manifest))
			if err != nil {
				return errOut(err)
			}
			return leakOut{errors: encode.Validate(s)} // what a caller does next
		}
	}
	S, S2 := sentinel, sentinel2
	head := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},`
	yhead := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
	big := strings.Repeat(S, encode.MaxSize/len(S)+2)
	D := "encode.Decode"
	cases := []leakCase{
		{D, "JSON data not base64", true, decode(head + `"data":{"k":"` + S + `!"}}`)},
		{D, "JSON data base64 without padding", true, decode(head + `"data":{"k":"` + strings.TrimRight(b64(S+"x"), "=") + `"}}`)},
		{D, "JSON data invalid key", true, decode(head + `"data":{"bad key":"` + b64(S) + `"}}`)},
		{D, "JSON stringData invalid key", true, decode(head + `"stringData":{"bad key":"` + S + `"}}`)},
		{D, "JSON data duplicate key", false, decode(head + `"data":{"k":"` + b64(S) + `","k":"` + b64(S2) + `"}}`)},
		{D, "JSON stringData duplicate key", false, decode(head + `"stringData":{"k":"` + S + `","k":"` + S2 + `"}}`)},
		{D, "JSON truncated after value", true, decode(head + `"stringData":{"k":"` + S)},
		{D, "JSON truncated inside value", true, decode(head + `"stringData":{"k":"` + S + `\`)},
		{D, "JSON bare word value", false, decode(head + `"stringData":{"k":` + S + `}}`)},
		{D, "JSON invalid escape in value", true, decode(head + `"stringData":{"k":"` + S + `\q"}}`)},
		{D, "JSON control character in value", true, decode(head + `"stringData":{"k":"` + S + "\x01" + `"}}`)},
		{D, "JSON number where string expected (data)", true, decode(head + `"data":{"k":` + numSentinel + `}}`)},
		{D, "JSON number where string expected (stringData)", true, decode(head + `"stringData":{"k":` + numSentinel + `}}`)},
		{D, "JSON number as type", true, decode(head + `"type":` + numSentinel + `,"data":{}}`)},
		{D, "JSON object where string expected", true, decode(head + `"stringData":{"k":{"` + S + `":1}}}`)},
		{D, "JSON array where string expected", true, decode(head + `"stringData":{"k":["` + S + `"]}}`)},
		{D, "JSON boolean then sentinel", false, decode(head + `"stringData":{"k":true` + S + `}}`)},
		{D, "JSON unknown field holding value", true, decode(head + `"password":"` + S + `","data":{}}`)},
		{D, "JSON unknown field holding number", true, decode(head + `"pin":` + numSentinel + `,"data":{}}`)},
		{D, "JSON trailing garbage", true, decode(head + `"stringData":{"k":"x"}}` + S)},
		{D, "JSON second object", true, decode(head + `"stringData":{"k":"x"}}` + head + `"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON wrong kind", true, decode(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"data":{"k":"` + S + `"}}`)},
		{D, "JSON wrong apiVersion", true, decode(`{"apiVersion":"v2","kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON oversized stringData", true, decode(head + `"stringData":{"k":"` + big + `"}}`)},
		{D, "JSON tls missing key", true, decode(head + `"type":"kubernetes.io/tls","stringData":{"tls.crt":"` + S + `"}}`)},
		{D, "JSON dockerconfigjson not JSON", true, decode(head + `"type":"kubernetes.io/dockerconfigjson","stringData":{".dockerconfigjson":"{` + S + `"}}`)},
		{D, "JSON dockerconfigjson array", true, decode(head + `"type":"kubernetes.io/dockerconfigjson","stringData":{".dockerconfigjson":"[\"` + S + `\"]"}}`)},
		{D, "JSON invalid name", true, decode(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"Bad Name"},"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON invalid UTF-8 in value", true, decode(head + `"stringData":{"k":"` + S + "\xff" + `"}, "x": 1}`)},
		{D, "YAML data not base64", true, decode(yhead + "data:\n  k: " + S + "!\n")},
		{D, "YAML data invalid key", true, decode(yhead + "data:\n  bad key: " + b64(S) + "\n")},
		{D, "YAML duplicate key", true, decode(yhead + "stringData:\n  k: " + S + "\n  k: " + S2 + "\n")},
		{D, "YAML sequence value", true, decode(yhead + "stringData:\n  k: [" + S + "]\n")},
		{D, "YAML mapping value", true, decode(yhead + "stringData:\n  k:\n    " + S + ": 1\n")},
		{D, "YAML number value", true, decode(yhead + "stringData:\n  k: " + numSentinel + "\n")},
		{D, "YAML float value", true, decode(yhead + "stringData:\n  k: " + numSentinel + ".5e3\n")},
		{D, "YAML bad indentation after value", true, decode(yhead + "stringData:\n  k: " + S + "\n   j: " + S2 + "\n x\n")},
		{D, "YAML tab indentation", true, decode(yhead + "stringData:\n\tk: " + S + "\n")},
		{D, "YAML unclosed quote", true, decode(yhead + "stringData:\n  k: \"" + S + "\n")},
		{D, "YAML unclosed flow", true, decode(yhead + "stringData: {k: " + S + "\n")},
		{D, "YAML bad escape", true, decode(yhead + "stringData:\n  k: \"" + S + "\\q\"\n")},
		{D, "YAML unknown anchor", true, decode(yhead + "stringData:\n  k: *" + S + "\n")},
		{D, "YAML binary tag with garbage", true, decode(yhead + "stringData:\n  k: !!binary " + S + "\n")},
		{D, "YAML int tag on value", true, decode(yhead + "stringData:\n  k: !!int " + S + "\n")},
		{D, "YAML custom tag", false, decode(yhead + "stringData:\n  k: !" + S + " x\n")},
		{D, "YAML unknown field", true, decode(yhead + "password: " + S + "\nstringData: {}\n")},
		{D, "YAML second document", true, decode(yhead + "stringData:\n  k: x\n---\n" + yhead + "stringData:\n  k: " + S + "\n")},
		{D, "YAML content after document end", true, decode(yhead + "stringData:\n  k: x\n...\n" + S + "\n")},
		{D, "YAML sentinel after flow node", true, decode("{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {k: x}} " + S + "\n")},
		{D, "YAML non-UTF-8", true, decode(yhead + "stringData:\n  k: " + S + "\xff\xfe\n")},
		{D, "YAML NUL byte", true, decode(yhead + "stringData:\n  k: " + S + "\x00\n")},
		{D, "YAML merge key", true, decode(yhead + "stringData:\n  <<: {k: " + S + "}\n  j: [" + S2 + "\n")},
	}

	// Marshal, Validate, Merge and TreeItems on Secrets holding the sentinel.
	bad := secretWith("s", map[string]string{"bad key": S, "ok": S2})
	withType := func(s *corev1.Secret, typ corev1.SecretType) *corev1.Secret { s.Type = typ; return s }
	immutable := func(s *corev1.Secret) *corev1.Secret { b := true; s.Immutable = &b; return s }
	withTree := func(s *corev1.Secret, tree string) *corev1.Secret {
		s.Annotations = map[string]string{encode.TreeAnnotation: tree}
		return s
	}
	merge := func(base, overlay *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return secretOut(encode.Merge(base, overlay)) }
	}
	validate := func(s *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return leakOut{errors: encode.Validate(s)} }
	}
	marshal := func(s *corev1.Secret, format string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := encode.Marshal(s, format)
			return errOut(err)
		}
	}
	stringData := secretWith("s", nil)
	stringData.StringData = map[string]string{"bad key": S, "ok": S2}
	cases = append(cases, []leakCase{
		{"encode.Marshal", "unknown format xml", true, marshal(secretWith("s", map[string]string{"k": S}), "xml")},
		{"encode.Marshal", "nil Secret", true, marshal(nil, "json")},
		{"encode.Validate", "invalid data key", true, validate(bad)},
		{"encode.Validate", "invalid stringData key", true, validate(stringData)},
		{"encode.Validate", "oversized", true, validate(secretWith("s", map[string]string{"k": big}))},
		{"encode.Validate", "invalid name", true, validate(secretWith("Bad Name", map[string]string{"k": S}))},
		{"encode.Validate", "tls missing key", true, validate(withType(secretWith("s", map[string]string{"tls.crt": S}), corev1.SecretTypeTLS))},
		{"encode.Validate", "dockerconfigjson not JSON", true, validate(withType(secretWith("s", map[string]string{".dockerconfigjson": "{" + S}), corev1.SecretTypeDockerConfigJson))},
		{"encode.Validate", "dockerconfigjson number", true, validate(withType(secretWith("s", map[string]string{".dockerconfigjson": numSentinel}), corev1.SecretTypeDockerConfigJson))},
		{"encode.Validate", "dockercfg string", true, validate(withType(secretWith("s", map[string]string{".dockercfg": `"` + S + `"`}), corev1.SecretTypeDockercfg))},
		{"encode.Validate", "basic-auth no username or password", true, validate(withType(secretWith("s", map[string]string{"other": S}), corev1.SecretTypeBasicAuth))},
		{"encode.Validate", "ssh-auth missing key", true, validate(withType(secretWith("s", map[string]string{"id_rsa": S}), corev1.SecretTypeSSHAuth))},
		{"encode.Validate", "service-account-token without annotation", true, validate(withType(secretWith("s", map[string]string{"token": S}), corev1.SecretTypeServiceAccountToken))},
		{"encode.Validate", "bad tree annotation", true, validate(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"../x"}`))},
		{"encode.Merge", "types differ", true, merge(withType(secretWith("s", map[string]string{"k": S}), corev1.SecretTypeTLS), secretWith("s", map[string]string{"k": S2}))},
		{"encode.Merge", "names differ", true, merge(secretWith("a", map[string]string{"k": S}), secretWith("b", map[string]string{"k": S2}))},
		{"encode.Merge", "immutable base changed", true, merge(immutable(secretWith("s", map[string]string{"k": S})), secretWith("s", map[string]string{"k": S2}))},
		{"encode.Merge", "overlay invalid key", true, merge(secretWith("s", map[string]string{"k": S}), bad)},
		{"encode.Merge", "oversized result", true, merge(secretWith("s", map[string]string{"a": big[:encode.MaxSize-5]}), secretWith("s", map[string]string{"b": S}))},
		{"encode.Merge", "tree key at two paths", true, merge(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"a/k"}`), withTree(secretWith("s", map[string]string{"k": S2}), `{"k":"b/k"}`))},
		{"encode.Merge", "tree path for two keys", true, merge(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"a/k"}`), withTree(secretWith("s", map[string]string{"j": S2}), `{"j":"a/k"}`))},
		{"encode.Merge", "nil overlay", true, merge(secretWith("s", map[string]string{"k": S}), nil)},
		{"encode.TreeItems", "bad tree JSON", true, func(*testing.T, context.Context) leakOut {
			_, err := encode.TreeItems(withTree(secretWith("s", map[string]string{"k": S}), `{"k":`))
			return errOut(err)
		}},
		{"encode.TreeItems", "tree key without data", true, func(*testing.T, context.Context) leakOut {
			_, err := encode.TreeItems(withTree(secretWith("s", map[string]string{"k": S}), `{"j":"a/j"}`))
			return errOut(err)
		}},
		{"encode.Hash", "String-like output", false, func(*testing.T, context.Context) leakOut {
			s := secretWith("s", map[string]string{"k": S})
			return leakOut{texts: map[string]string{"Hash": encode.Hash(s), "WithHashSuffix name": encode.WithHashSuffix(s).Name}}
		}},
	}...)
	return cases
}

// encodeCheckLeakCases cover Merge's immutable flag, Generic's env file combined with other
// sources, finalizer names and the leads of name errors.
func encodeCheckLeakCases(t *testing.T) []leakCase {
	S, S2 := sentinel, sentinel2
	yes, no := true, false
	immutable := func(data map[string]string) *corev1.Secret {
		s := secretWith("app", data)
		s.Immutable = &yes
		return s
	}
	mutable := func(data map[string]string) *corev1.Secret {
		s := secretWith("app", data)
		s.Immutable = &no
		return s
	}
	merge := func(base, overlay *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return secretOut(encode.Merge(base, overlay)) }
	}
	envAndOthers := func(others ...func(dir string) encode.Source) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, _ context.Context) leakOut {
			dir := t.TempDir()
			srcs := []encode.Source{encode.EnvFile(writeFile(t, dir, "app.env", "A="+S+"\n"))}
			for _, o := range others {
				srcs = append(srcs, o(dir))
			}
			return secretOut(encode.Generic("s", srcs...))
		}
	}
	validate := func(s *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return leakOut{errors: encode.Validate(s)} }
	}
	withMeta := func(name, namespace string, finalizers ...string) *corev1.Secret {
		s := secretWith(name, map[string]string{"k": S})
		s.Namespace, s.Finalizers = namespace, finalizers
		return s
	}
	M, G, V := "encode.Merge", "encode.Generic", "encode.Validate"
	return []leakCase{
		{M, "immutable base, overlay immutable: false", true, merge(immutable(map[string]string{"a": S}), mutable(map[string]string{"a": S}))},
		{M, "immutable base, overlay changes data", true, merge(immutable(map[string]string{"a": S}), secretWith("app", map[string]string{"a": S2}))},
		{G, "EnvFile then Literal", true, envAndOthers(func(string) encode.Source { return encode.Literal("b", S2) })},
		{G, "EnvFile then File", true, envAndOthers(func(dir string) encode.Source { return encode.File(writeFile(t, dir, "f", S2)) })},
		{G, "EnvFile then Tree", true, envAndOthers(func(dir string) encode.Source {
			writeFile(t, dir, "tree/a", S2)
			return encode.Tree(filepath.Join(dir, "tree"))
		})},
		{G, "Literal key with a bad byte", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.Generic("s", encode.Literal("a/"+"b", S)))
		}},
		{G, "upper-case Secret name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.Generic("My-Secret", encode.Literal("k", S)))
		}},
		{V, "finalizer neither standard nor qualified", true, validate(withMeta("app", "", "cleanup", "bad name"))},
		{V, "upper-case name and namespace", true, validate(withMeta("App", "Team_A"))},
	}
}
