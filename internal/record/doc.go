// Package record is how propagate's and rollout's controllers record Kubernetes Events
// (events.k8s.io/v1, through client-go's tools/events): one function that does nothing without
// a recorder, keeps a note within what the API server accepts and never reads it as a format.
package record
