package runai

import (
	"path"
	"strings"
	"testing"
)

func TestProjectNamespace(t *testing.T) {
	tests := []struct {
		project, want, wantErr string
	}{
		{project: "team-a", want: "runai-team-a"},
		{project: "p1", want: "runai-p1"},
		{project: "", wantErr: "project name is empty"},
		{project: "Team", wantErr: "not a valid namespace name"},
		{project: "a.b", wantErr: "not a valid namespace name"},
		{project: strings.Repeat("a", 58), wantErr: "not a valid namespace name"},
	}
	for _, tt := range tests {
		got, err := ProjectNamespace(tt.project)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ProjectNamespace(%q) error = %v, want %q", tt.project, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ProjectNamespace(%q) = %q, %v; want %q", tt.project, got, err, tt.want)
		}
		if ok, _ := path.Match(ProjectNamespacePattern, got); !ok {
			t.Errorf("ProjectNamespacePattern does not match %q", got)
		}
	}
}
