package cli

import (
	"io"

	"k8s.io/client-go/kubernetes"
)

// Env is what a command takes from the world outside its arguments. main fills it from
// the process; tests fill it with buffers, a fixed environment and a shared fake client.
type Env struct {
	// Stdout receives the command's output; Stderr its notes and usage text.
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable; nil reads none.
	Getenv func(string) string
	// Client, when set, is used instead of whatever the cluster flags say. Tests set it
	// to run several commands against one in-memory cluster.
	Client kubernetes.Interface
}

// LookupEnv returns the variable name from e.Getenv, or "" when Getenv is nil.
func (e Env) LookupEnv(name string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(name)
}
