package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// The inputs of section 2, one per dialect.
var (
	runaiFlags         = []string{"DB_USER=SECRET:db,username", "LOG_LEVEL=debug"}
	pachydermTransform = `{"secrets": [{"name": "db", "env_var": "DB_PASSWORD", "key": "password"}], "image_pull_secrets": ["regcred"]}`
	flyteRequests      = []flyte.Secret{
		{Group: "api", Key: "password", MountRequirement: flyte.MountEnvVar},
		{Group: "api", Key: "username", MountRequirement: flyte.MountFile},
	}
	canonicalRef   = "envFrom:app-config;prefix=APP_"
	konduktorOwner = "alice"
)

// dialect is what one dialect contributed: its input, shown as given, and its output.
type dialect struct {
	name  string
	input string
	refs  []secretspec.Ref
	plain []corev1.EnvVar
}

// readRefs reads the references of every dialect (Flyte's from the pod's annotations),
// prints what each became, and returns all refs and plain variables in order.
func readRefs(w io.Writer, pod *corev1.Pod, konduktorSecrets []corev1.Secret) ([]secretspec.Ref, []corev1.EnvVar, error) {
	heading(w, "2. References in every dialect (packages secretspec/...)",
		"Each dialect becomes secretspec.Refs, printed in the canonical text form (Ref.String),\n"+
			"plus the plain, non-secret variables the dialect also sets.")

	var ds []dialect

	refs, plain, err := runai.ParseEnvs(runaiFlags)
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, dialect{"Run:ai", "-e " + strings.Join(runaiFlags, " -e "), refs, plain})

	refs, err = pachyderm.ParseTransform([]byte(pachydermTransform))
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, dialect{"Pachyderm", "transform " + pachydermTransform, refs, nil})

	refs, plain, err = konduktor.Refs(konduktorSecrets, konduktorOwner, "")
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, dialect{"Konduktor", "the Secrets above, for owner " + konduktorOwner + " (bob's are not used)", refs, plain})

	requests, err := flyte.DecodeAnnotations(pod.Annotations)
	if err != nil {
		return nil, nil, err
	}
	refs, plain, err = flyte.Refs(requests)
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, dialect{"Flyte", "pod annotations " + annotationNames(pod.Annotations), refs, plain})

	ref, err := secretspec.Parse(canonicalRef)
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, dialect{"canonical", canonicalRef, []secretspec.Ref{ref}, nil})

	var allRefs []secretspec.Ref
	var allPlain []corev1.EnvVar
	tw := cli.Table(w)
	fmt.Fprintln(tw, "DIALECT\t\tINPUT / RESULT")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\tinput\t%s\n", d.name, d.input)
		for _, r := range d.refs {
			fmt.Fprintf(tw, "\tref\t%s\n", r)
		}
		for _, v := range d.plain {
			fmt.Fprintf(tw, "\tplain\t%s=%s\n", v.Name, v.Value)
		}
		allRefs = append(allRefs, d.refs...)
		allPlain = append(allPlain, d.plain...)
	}
	if err := tw.Flush(); err != nil {
		return nil, nil, err
	}
	return allRefs, allPlain, nil
}

// annotationNames lists the flyte.secrets annotation names, sorted.
func annotationNames(annotations map[string]string) string {
	var names []string
	for k := range annotations {
		if strings.HasPrefix(k, flyte.AnnotationPrefix) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
