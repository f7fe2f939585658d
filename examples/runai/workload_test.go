package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podsecrets/podsecrets/internal/golden"
)

func TestSubmitJob(t *testing.T) {
	out, err := runCmd(t, context.Background(), nil, "submit", "--kind", "job", "--project", "team-a", "--image", "ubuntu", "--name", "train",
		"-e", "MYUSERNAME=SECRET:my-secret,username", "-e", "LOG_LEVEL=debug", "-e", "MYPASSWORD=SECRET:my-secret,password",
		"--", "python", "train.py")
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "submit-job.golden.yaml"), []byte(out), *update)

	_, err = runCmd(t, context.Background(), nil, "submit", "--kind", "cronjob", "--project", "a", "--image", "x")
	if err == nil || !strings.Contains(err.Error(), `--kind "cronjob": want pod or job`) {
		t.Errorf("--kind cronjob: %v", err)
	}
}
