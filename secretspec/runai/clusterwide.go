package runai

import (
	"errors"
	"fmt"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// The Run:ai cluster-wide secret convention: a Secret in ClusterWideNamespace labelled
// ClusterWideLabel=ClusterWideLabelValue is copied into every project namespace, whose name is
// ProjectNamespacePrefix followed by the project's name. Removing the label (or the Secret)
// removes the copies.
const (
	// ClusterWideNamespace is the namespace that holds Secrets shared by every project.
	ClusterWideNamespace = "runai"
	// ClusterWideLabel is the label key that opts a Secret in ClusterWideNamespace into propagation.
	ClusterWideLabel = "runai/cluster-wide"
	// ClusterWideLabelValue is the value of ClusterWideLabel that opts a Secret in.
	ClusterWideLabelValue = "true"
	// ProjectNamespacePrefix starts the name of every Run:ai project namespace.
	ProjectNamespacePrefix = "runai-"
	// ProjectNamespacePattern matches every project namespace (a path.Match glob, as
	// propagate.Targets.Pattern takes).
	ProjectNamespacePattern = ProjectNamespacePrefix + "*"
)

// ProjectNamespace returns the namespace of a Run:ai project, "runai-<project>". It is an error
// if the result is not a valid namespace name (a DNS-1123 label); the error starts with "runai: ".
func ProjectNamespace(project string) (string, error) {
	if project == "" {
		return "", errors.New("runai: project name is empty")
	}
	ns := ProjectNamespacePrefix + project
	if msg := validation.DNS1123LabelProblem(ns); msg != "" {
		return "", fmt.Errorf("runai: project %q gives namespace %q, which is not a valid namespace name: %s", project, ns, msg)
	}
	return ns, nil
}
