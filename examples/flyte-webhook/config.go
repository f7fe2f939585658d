package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// mutatePath is where the webhook answers AdmissionReviews.
const mutatePath = "/mutate"

// resourceOf is the resource (lower-case plural) of a kind the handler admits.
func resourceOf(kind string) string { return strings.ToLower(kind) + "s" }

// kindResources are the values --kinds takes: the resources of admission.Kinds().
func kindResources() []string {
	var rs []string
	for _, k := range admission.Kinds() {
		rs = append(rs, resourceOf(k.Kind))
	}
	return rs
}

// parseKinds reads --kinds: a comma-separated list of resources, or "all"; the kinds come
// in admission.Kinds() order, whatever the list's.
func parseKinds(list string) ([]metav1.GroupVersionKind, error) {
	want := map[string]bool{}
	for _, r := range strings.Split(list, ",") {
		want[strings.TrimSpace(r)] = true
	}
	var kinds []metav1.GroupVersionKind
	for _, k := range admission.Kinds() {
		if r := resourceOf(k.Kind); want[r] || want["all"] {
			kinds = append(kinds, k)
			delete(want, r)
		}
	}
	delete(want, "all")
	if len(want) > 0 {
		unknown := slices.Sorted(maps.Keys(want))
		return nil, cli.Usagef("config: --kinds takes all or a comma-separated list of %s; got %q", strings.Join(kindResources(), ", "), strings.Join(unknown, ","))
	}
	return kinds, nil
}

// rulesFor sends pod CREATEs and workload CREATEs and UPDATEs to the webhook: one rule for
// pods, one per API group of workloads, resources in admission.Kinds() order.
func rulesFor(kinds []metav1.GroupVersionKind) []admissionregistrationv1.RuleWithOperations {
	var rules []admissionregistrationv1.RuleWithOperations
	byGroup := map[string]int{} // workload group -> index in rules
	for _, k := range kinds {
		if k.Group == "" && k.Kind == "Pod" {
			rules = append(rules, admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			})
			continue
		}
		i, ok := byGroup[k.Group]
		if !ok {
			i = len(rules)
			byGroup[k.Group] = i
			rules = append(rules, admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{k.Group}, APIVersions: []string{k.Version}},
			})
		}
		rules[i].Resources = append(rules[i].Resources, resourceOf(k.Kind))
	}
	return rules
}

// webhookConfig is the MutatingWebhookConfiguration that sends the CREATE (and, for
// workloads, UPDATE) requests of labelled objects of kinds to the webhook, reached at url
// or, when url is empty, through the Service.
func webhookConfig(name, url, service, namespace string, port int32, caBundle []byte, kinds []metav1.GroupVersionKind) *admissionregistrationv1.MutatingWebhookConfiguration {
	client := admissionregistrationv1.WebhookClientConfig{CABundle: caBundle}
	if url != "" {
		client.URL = &url
	} else {
		path := mutatePath
		client.Service = &admissionregistrationv1.ServiceReference{Namespace: namespace, Name: service, Path: &path, Port: &port}
	}
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	return &admissionregistrationv1.MutatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    name + ".podsecrets.io",
			ClientConfig:            client,
			Rules:                   rulesFor(kinds),
			ObjectSelector:          &metav1.LabelSelector{MatchLabels: map[string]string{flyte.PodLabel: flyte.PodLabelValue}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          &timeout,
		}},
	}
}

// isCertPEM reports whether data holds at least one PEM certificate, each of whose
// CERTIFICATE blocks parses.
func isCertPEM(data []byte) bool {
	found := false
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return found
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return false
		}
		found = true
	}
}

// config prints or applies the MutatingWebhookConfiguration.
func config(ctx context.Context, env cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "config")
	var cluster cli.ClusterFlags
	cluster.Register(fs)
	name := fs.String("name", "flyte-pod-webhook", "name of the configuration (the webhook is <name>.podsecrets.io)")
	hookURL := fs.String("url", "", "reach the webhook at this https URL, e.g. https://127.0.0.1:8443/mutate, instead of a Service")
	service := fs.String("service", "flyte-pod-webhook", "name of the webhook's Service")
	namespace := fs.String("namespace", "flyte", "namespace of the webhook's Service")
	port := fs.Int("port", 443, "port of the webhook's Service")
	caPath := fs.String("ca-file", "", "PEM file of the CA that signed the serving certificate (required)")
	kindList := fs.String("kinds", "pods", "what the webhook admits: all, or a comma-separated list of "+strings.Join(kindResources(), ", ")+" (workloads on CREATE and UPDATE; the object itself must carry the label)")
	apply := fs.Bool("apply", false, "create or update the configuration in the cluster instead of printing it")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *caPath == "" {
		return cli.Usagef("config: want --ca-file and no arguments")
	}
	if *hookURL != "" {
		u, err := url.Parse(*hookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return cli.Usagef("config: --url must be an https URL with a host and no user, query or fragment")
		}
	}
	kinds, err := parseKinds(*kindList)
	if err != nil {
		return err
	}
	if *port < 1 || *port > 65535 {
		return cli.Usagef("config: --port must be 1 to 65535")
	}
	ca, err := os.ReadFile(*caPath)
	if err != nil {
		return err
	}
	if !isCertPEM(ca) {
		return fmt.Errorf("%s: not a PEM certificate", *caPath)
	}
	cfg := webhookConfig(*name, *hookURL, *service, *namespace, int32(*port), ca, kinds)
	if !*apply {
		return cli.PrintYAML(env.Stdout, cfg)
	}
	client, err := cluster.Client(env)
	if err != nil {
		return err
	}
	configs := client.AdmissionregistrationV1().MutatingWebhookConfigurations()
	verb := "created"
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		existing, err := configs.Get(ctx, *name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = configs.Create(ctx, cfg, metav1.CreateOptions{})
			return err
		}
		if err != nil {
			return err
		}
		verb = "updated"
		existing.Webhooks = cfg.Webhooks
		_, err = configs.Update(ctx, existing, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "mutatingwebhookconfiguration %s %s\n", *name, verb)
	return nil
}
