// Package preflight checks refs against the Secrets that exist, before a pod is made.
package preflight
