package encode_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/podsecrets/podsecrets/encode"
	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
)

// tempTree writes files (slash path -> content) under a new directory named
// name inside a temporary directory, and returns its path.
func tempTree(name string, files map[string]string) string {
	base, err := os.MkdirTemp("", "encode-example")
	if err != nil {
		panic(err)
	}
	root := filepath.Join(base, name)
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o600); err != nil {
			panic(err)
		}
	}
	return root
}

func ExampleGeneric() {
	s, err := encode.Generic("app-config",
		encode.Literal("url", "postgres://db?sslmode=require"),
		encode.Literal("token", "t0k3n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := encode.Marshal(s, "yaml")
	fmt.Print(string(out))
	// Output:
	// apiVersion: v1
	// data:
	//   token: dDBrM24=
	//   url: cG9zdGdyZXM6Ly9kYj9zc2xtb2RlPXJlcXVpcmU=
	// kind: Secret
	// metadata:
	//   name: app-config
}

func ExampleFileAs() {
	dir := tempTree("conf", map[string]string{"settings.ini": "debug=false\n"})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("conf",
		encode.File(filepath.Join(dir, "settings.ini")),
		encode.FileAs("copy.ini", filepath.Join(dir, "settings.ini")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %q\n", s.Data["settings.ini"], s.Data["copy.ini"])
	// Output: "debug=false\n" "debug=false\n"
}

func ExampleDir() {
	dir := tempTree("certs", map[string]string{"ca.pem": "CA", "client.pem": "C", "old/ca.pem": "skipped"})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("certs", encode.Dir(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s.Data), string(s.Data["ca.pem"]), string(s.Data["client.pem"]))
	// Output: 2 CA C
}

func ExampleEnvFile() {
	dir := tempTree("env", map[string]string{"app.env": "\uFEFF# database\nDB_USER=admin\n\n  DB_PASS=\"quoted stays\"\n"})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("db", encode.EnvFile(filepath.Join(dir, "app.env")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s\n", s.Data["DB_USER"], s.Data["DB_PASS"])

	bad := filepath.Join(dir, "bad.env")
	_ = os.WriteFile(bad, []byte("A=1\nHOME\n"), 0o600)
	_, err = encode.Generic("db", encode.EnvFile(bad))
	fmt.Println(err.(*encode.EnvFileError).Line, err.(*encode.EnvFileError).Reason)
	// Output:
	// admin "quoted stays"
	// 2 no '=' in line (kubectl would read the value from its environment; podsecrets refuses)
}

func ExampleTree() {
	dir := tempTree("secrets", map[string]string{
		"secret-file.txt":     "top",
		"nested/db/password":  "pw",
		"nested/odd name.txt": "odd",
	})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("konduktor-secrets", encode.Tree(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Annotations[encode.TreeAnnotation])
	items, err := encode.TreeItems(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range items {
		fmt.Printf("%s -> %s (%s)\n", it.Key, it.Path, s.Data[it.Key])
	}
	// Output:
	// {"secrets_.nested_.db_.password":"secrets/nested/db/password","secrets_.nested_.odd_x20name.txt":"secrets/nested/odd name.txt","secrets_.secret-file.txt":"secrets/secret-file.txt"}
	// secrets_.nested_.db_.password -> secrets/nested/db/password (pw)
	// secrets_.nested_.odd_x20name.txt -> secrets/nested/odd name.txt (odd)
	// secrets_.secret-file.txt -> secrets/secret-file.txt (top)
}

// A caller that walks a directory by rules of its own (here: every file but notes.md) builds the
// Secret Tree would build from the files it keeps.
func ExampleTreeFile() {
	dir := tempTree("secrets", map[string]string{"token": "t", "nested/db.conf": "c", "notes.md": "n"})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("secrets",
		encode.TreeFile("secrets/token", filepath.Join(dir, "token")),
		encode.TreeFile("secrets/nested/db.conf", filepath.Join(dir, "nested", "db.conf")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Annotations[encode.TreeAnnotation])
	// Output:
	// {"secrets_.nested_.db.conf":"secrets/nested/db.conf","secrets_.token":"secrets/token"}
}

func ExampleTreeKey() {
	fmt.Println(encode.TreeKey("secrets/my_dir/a b.txt"))
	// Output: secrets_.my__dir_.a_x20b.txt
}

func ExampleDockerRegistry() {
	s, err := encode.DockerRegistry("regcred", "", "robot", "hunter2", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Type)
	fmt.Println(string(s.Data[corev1.DockerConfigJsonKey]))
	// Output:
	// kubernetes.io/dockerconfigjson
	// {"auths":{"https://index.docker.io/v1/":{"username":"robot","password":"hunter2","auth":"cm9ib3Q6aHVudGVyMg=="}}}
}

func ExampleTLS() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "web"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	kder, _ := x509.MarshalECPrivateKey(key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})

	s, err := encode.TLS("web-tls", certPEM, keyPEM)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Type, len(s.Data))

	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	odr, _ := x509.MarshalECPrivateKey(other)
	_, err = encode.TLS("web-tls", certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: odr}))
	fmt.Println(err)
	// Output:
	// kubernetes.io/tls 2
	// encode: tls: key "tls.key": certificate and key are not a valid pair: tls: private key does not match public key
}

func ExampleSSHAuth() {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, _ := ssh.MarshalPrivateKey(priv, "deploy key")
	s, err := encode.SSHAuth("git-ssh", pem.EncodeToMemory(block), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Type, len(s.Data[corev1.SSHAuthPrivateKey]) > 0)

	locked, _ := ssh.MarshalPrivateKeyWithPassphrase(priv, "deploy key", []byte("pass"))
	_, err = encode.SSHAuth("git-ssh", pem.EncodeToMemory(locked), nil)
	fmt.Println(err)
	// Output:
	// kubernetes.io/ssh-auth true
	// encode: ssh-auth: key "ssh-privatekey": the private key is passphrase-protected; a pod cannot type the passphrase, so store it decrypted
}

func ExampleBasicAuth() {
	s, err := encode.BasicAuth("db-login", "admin", "pw")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Type, string(s.Data["username"]))
	// Output: kubernetes.io/basic-auth admin
}

func ExampleDecode() {
	s, err := encode.Decode([]byte(`{
	  "apiVersion": "v1", "kind": "Secret",
	  "metadata": {"name": "pachyderm-s3"},
	  "data": {"id": "QUtJQQ=="},
	  "stringData": {"secret": "plain text"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s\n", s.Name, s.Data["id"], s.Data["secret"])

	_, err = encode.Decode([]byte(`{"apiVersion":"v1","kind":"Secret","data":{"id":"not base64!"}}`))
	fmt.Println(err)
	// Output:
	// pachyderm-s3 AKIA plain text
	// encode: decode: data[id]: invalid base64 at byte 3 of the value
}

func ExampleMarshal() {
	s, _ := encode.BasicAuth("login", "u", "p")
	out, _ := encode.Marshal(s, "json")
	fmt.Print(string(out))
	// Output:
	// {
	//   "kind": "Secret",
	//   "apiVersion": "v1",
	//   "metadata": {
	//     "name": "login"
	//   },
	//   "data": {
	//     "password": "cA==",
	//     "username": "dQ=="
	//   },
	//   "type": "kubernetes.io/basic-auth"
	// }
}

func ExampleValidate() {
	s := &corev1.Secret{Type: corev1.SecretTypeTLS}
	s.Name = "web"
	s.Data = map[string][]byte{"tls.crt": []byte("..."), "bad/key": []byte("x")}
	for _, e := range encode.Validate(s) {
		fmt.Println(e)
	}
	// Output:
	// data[bad/key]: Invalid value: "bad/key": must not contain "/" at byte 3: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
	// data[tls.key]: Required value
}

func ExampleMerge() {
	existing, _ := encode.Generic("team-secret", encode.Literal("a", "1"), encode.Literal("b", "2"))
	update, _ := encode.Generic("team-secret", encode.Literal("b", "20"), encode.Literal("c", "3"))
	merged, err := encode.Merge(existing, update)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s\n", merged.Data["a"], merged.Data["b"], merged.Data["c"])

	_, err = encode.Merge(existing, &corev1.Secret{Type: corev1.SecretTypeTLS})
	fmt.Println(err)
	// Output:
	// 1 20 3
	// encode: merge: type mismatch: base is "Opaque", overlay is "kubernetes.io/tls"
}

func ExampleWithHashSuffix() {
	s, _ := encode.Generic("s", encode.Literal("k", "a=b"), encode.Literal("a.txt", "hello"))
	fmt.Println(encode.Hash(s))
	fmt.Println(encode.WithHashSuffix(s).Name)
	// Output:
	// fm6bt697ff
	// s-fm6bt697ff
}

func ExampleLiteral() {
	// kubectl create secret generic api --from-literal=dsn=user=a;pass=b
	s, err := encode.Generic("api", encode.Literal("dsn", "user=a;pass=b"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(s.Data["dsn"]))

	_, err = encode.Generic("api", encode.Literal("a/b", "x"))
	fmt.Println(err)
	// Output:
	// user=a;pass=b
	// encode: literal: key "a/b": invalid key: must not contain "/" at byte 1: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
}

func ExampleFile() {
	dir := tempTree("keys", map[string]string{"id_rsa.pub": "ssh-rsa AAAA"})
	defer os.RemoveAll(filepath.Dir(dir))
	s, err := encode.Generic("keys", encode.File(filepath.Join(dir, "id_rsa.pub")))
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, v := range s.Data {
		fmt.Println(k, string(v))
	}
	// Output: id_rsa.pub ssh-rsa AAAA
}

func ExampleTreeItems() {
	s := &corev1.Secret{Data: map[string][]byte{"t_.a": []byte("1"), "t_.b_.c": []byte("2")}}
	s.Name = "copied"
	s.Annotations = map[string]string{encode.TreeAnnotation: `{"t_.a":"t/a","t_.b_.c":"t/b/c"}`}
	items, err := encode.TreeItems(s)
	for _, it := range items {
		fmt.Printf("%s -> %s\n", it.Key, it.Path)
	}
	fmt.Println(err)

	s.Annotations[encode.TreeAnnotation] = `{"t_.a":"../etc/passwd"}`
	_, err = encode.TreeItems(s)
	fmt.Println(err)
	// Output:
	// t_.a -> t/a
	// t_.b_.c -> t/b/c
	// <nil>
	// metadata.annotations[podsecrets.io/tree][t_.a]: Invalid value: "../etc/passwd": path must not start with '..'
}

func ExampleHash() {
	s, _ := encode.Generic("e")
	// kubectl create secret generic e --append-hash names it e-kkck6cfc9g.
	fmt.Println(encode.Hash(s))
	// Output: kkck6cfc9g
}
