package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/internal/errlist"
)

// The files init-certs writes, and the keys of the Secret it stores them in.
const (
	caFile   = "ca.crt"
	certFile = corev1.TLSCertKey       // tls.crt
	keyFile  = corev1.TLSPrivateKeyKey // tls.key
)

// certBundle is a CA and a serving certificate signed by it, PEM-encoded.
type certBundle struct {
	caPEM, certPEM, keyPEM []byte
}

// dnsNames are the names a Service is reached by from inside the cluster.
func dnsNames(service, namespace string) []string {
	return []string{service, service + "." + namespace, service + "." + namespace + ".svc"}
}

// newCerts makes a self-signed CA and a serving certificate for the Service's DNS names
// and 127.0.0.1, both ECDSA P-256, valid from now for the given time.
func newCerts(service, namespace string, now time.Time, validity time.Duration) (*certBundle, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: service + "-ca"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	names := dnsNames(service, namespace)
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: names[2]},
		DNSNames:     names,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &certBundle{
		caPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// serial returns a random 128-bit serial number.
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return new(big.Int).SetBytes(b)
}

// initCerts makes the certificates and writes them to files and, optionally, a Secret.
func initCerts(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "init-certs")
	var cluster cli.ClusterFlags
	cluster.Register(fs)
	service := fs.String("service", "flyte-pod-webhook", "name of the webhook's Service")
	namespace := fs.String("namespace", "flyte", "namespace of the Service (and of --secret)")
	outDir := fs.String("out-dir", ".", "directory to write ca.crt, tls.crt and tls.key to; \"\" writes no files")
	secret := fs.String("secret", "", "also store the certificates in this kubernetes.io/tls Secret")
	validity := fs.Duration("validity", 365*24*time.Hour, "how long the certificates are valid")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cli.Usagef("init-certs: takes no arguments")
	}
	if *outDir == "" && *secret == "" {
		return cli.Usagef("init-certs: with --out-dir \"\" give --secret, or the certificates go nowhere")
	}
	b, err := newCerts(*service, *namespace, time.Now(), *validity)
	if err != nil {
		return err
	}
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			data []byte
			mode os.FileMode
		}{{caFile, b.caPEM, 0o644}, {certFile, b.certPEM, 0o644}, {keyFile, b.keyPEM, 0o600}} {
			path := filepath.Join(*outDir, f.name)
			if err := os.WriteFile(path, f.data, f.mode); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s\n", path)
		}
	}
	if *secret != "" {
		client, err := cluster.Client(env)
		if err != nil {
			return err
		}
		s, err := encode.TLS(*secret, b.certPEM, b.keyPEM)
		if err != nil {
			return err
		}
		s.Namespace = *namespace
		s.Data[caFile] = b.caPEM
		if errs := encode.Validate(s); len(errs) > 0 {
			return errlist.From(errs)
		}
		secrets := client.CoreV1().Secrets(*namespace)
		verb := "created"
		err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
			existing, err := secrets.Get(ctx, *secret, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				_, err = secrets.Create(ctx, s, metav1.CreateOptions{})
				return err
			}
			if err != nil {
				return err
			}
			verb = "updated"
			existing.Type, existing.Data = s.Type, s.Data
			_, err = secrets.Update(ctx, existing, metav1.UpdateOptions{})
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "secret %s/%s %s: %s\n", *namespace, *secret, verb, cli.Keys(s))
	}
	fmt.Fprintf(env.Stdout, "certificate for %v and 127.0.0.1, valid until %s\n",
		dnsNames(*service, *namespace), time.Now().Add(*validity).UTC().Format(time.DateOnly))
	return nil
}
