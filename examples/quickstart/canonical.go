package main

import (
	"context"
	"fmt"
	"io"

	"github.com/podsecrets/podsecrets/secretspec"
)

// canonicalRefs are refs in podsecrets' own one-line form.
var canonicalRefs = []string{
	"envFrom:app-config;prefix=APP_",
	"mount:/etc/tls=tls-certs;items=tls.crt:cert.pem@0400",
}

// showCanonical parses podsecrets' own text form, and shows what a typo gets.
func showCanonical(_ context.Context, w io.Writer) error {
	heading(w, "podsecrets' own form: one ref per line", "secretspec")
	var refs []secretspec.Ref
	for _, s := range canonicalRefs {
		fmt.Fprintf(w, "input  %s\n", s)
		r, err := secretspec.Parse(s)
		if err != nil {
			return err
		}
		refs = append(refs, r)
	}
	if err := showRefs(w, refs, secretspec.Extras{}); err != nil {
		return err
	}
	_, err := secretspec.Parse("env:TOKEN=api")
	fmt.Fprintf(w, "a typo, secretspec.Parse(%q):\n%v\n", "env:TOKEN=api", err)
	return nil
}
