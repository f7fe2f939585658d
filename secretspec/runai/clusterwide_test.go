package runai

import (
	"path"
	"strings"
	"testing"

	"github.com/podsecrets/podsecrets/internal/validation"
)

func TestProjectNamespace(t *testing.T) {
	tests := []struct {
		project, want, wantErr string
	}{
		{project: "team-a", want: "runai-team-a"},
		{project: "p1", want: "runai-p1"},
		{project: "", wantErr: "runai: project name is empty"},
		{project: "Team", wantErr: `runai: project "Team" gives namespace "runai-Team", which is not a valid namespace name: must be lower case ("T" at byte 6); ` + validation.LabelRule},
		{project: "a.b", wantErr: `runai: project "a.b" gives namespace "runai-a.b", which is not a valid namespace name: must not contain "."`},
		{project: strings.Repeat("a", 58), wantErr: "runai: project \"" + strings.Repeat("a", 58) + "\" gives namespace"},
	}
	for _, tt := range tests {
		got, err := ProjectNamespace(tt.project)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
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
