package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/propagate"
)

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSecretWatch runs the in-cluster copier as deploy/ runs it (leader election, Events)
// against a cluster holding a labelled source and, in runai-team-b, someone else's Secret of
// its name: the copy is made, the conflict is recorded as an Event on the source and logged,
// and the copier holds its Lease.
func TestSecretWatch(t *testing.T) {
	client := cluster(t)
	ctx := context.Background()
	src, err := client.CoreV1().Secrets("runai").Get(ctx, "regcred", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src.Labels = map[string]string{"runai/cluster-wide": "true"}
	if _, err := client.CoreV1().Secrets("runai").Update(ctx, src, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Secrets("runai-team-b").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "regcred"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, cli.Env{Stdout: &out, Stderr: &errOut, Client: client},
			[]string{"secret", "watch", "--cluster-wide", "--restart-on-rotation", "--leader-elect", "--identity", "pod-1"})
	}()
	waitFor(t, done, func() bool { return len(copies(t, client, "regcred")) == 2 }) // runai-team-a, and theirs in runai-team-b
	waitFor(t, done, func() bool {
		list, err := client.EventsV1().Events("runai").List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Items {
			if e.Reason == propagate.EventReasonConflict && e.Regarding.Name == "regcred" && e.Related != nil && e.Related.Namespace == "runai-team-b" {
				return true
			}
		}
		return false
	})
	for _, name := range []string{copierLease, rolloutLease} {
		waitFor(t, done, func() bool {
			l, err := client.CoordinationV1().Leases("runai").Get(ctx, name, metav1.GetOptions{})
			return err == nil && holder(l) == "pod-1"
		})
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"watching Secrets in runai", "restarting Deployments", "stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), `"msg"="synced" "source"="runai/regcred" "summary"="1 created, 1 conflict"`) {
		t.Errorf("the log lacks the first sync:\n%s", errOut.String())
	}
}

func holder(l *coordinationv1.Lease) string {
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func TestSecretWatchErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a name", []string{"secret", "watch", "--cluster-wide", "regcred"}, "takes no Secret name"},
		{"not cluster-wide", []string{"secret", "watch"}, "add --cluster-wide"},
		{"leader election without --watch", []string{"secret", "set", "regcred", "--cluster-wide", "--leader-elect"}, "--leader-elect needs --watch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(t, context.Background(), cluster(t), tc.args...)
			var usage *cli.UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
}
