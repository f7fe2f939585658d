package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// flyteRequests are a Flyte task's secret requests.
var flyteRequests = []flyte.Secret{
	{Group: "api", Key: "password", MountRequirement: flyte.MountEnvVar},
	{Group: "api", Key: "username", MountRequirement: flyte.MountFile},
}

// showFlyte sends a task's requests through pod annotations, as Flyte's propeller does, and
// reads them back as its webhook does.
func showFlyte(ctx context.Context, w io.Writer) error {
	heading(w, "Flyte: a task's secret requests, via pod annotations", "secretspec/flyte")
	fmt.Fprintln(w, "input  Secret{group: api, key: password, mount_requirement: ENV_VAR}")
	fmt.Fprintln(w, "       Secret{group: api, key: username, mount_requirement: FILE}")
	annotations, err := flyte.EncodeAnnotations(flyteRequests)
	if err != nil {
		return err
	}
	var names []string
	for k := range annotations {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "sent   as pod annotations %s, read by flyte.PodRefs\n", strings.Join(names, ", "))
	// The webhook's part: flyte.PodRefs decodes the pod's annotations and plans them (Flyte's
	// default manager, Kubernetes Secrets), each ref naming its annotation.
	pod := smallPod()
	pod.Annotations = annotations
	refs, extras, err := flyte.PodRefs(flyte.DefaultConfig())(ctx, pod)
	if err != nil {
		return err
	}
	return showRefs(w, refs, extras)
}
