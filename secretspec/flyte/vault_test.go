package flyte

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/secretspec"
)

func TestKeepPodAnnotations(t *testing.T) {
	x := secretspec.Extras{Annotations: map[string]string{"vault.hashicorp.com/role": "flyte", "vault.hashicorp.com/agent-inject": "true"}}
	tests := []struct {
		name string
		pod  map[string]string
		want map[string]string
	}{
		{name: "pod sets none", pod: map[string]string{"app": "x"}, want: x.Annotations},
		{name: "pod's role wins", pod: map[string]string{"vault.hashicorp.com/role": "mine"}, want: map[string]string{"vault.hashicorp.com/agent-inject": "true"}},
		{name: "pod's empty value wins too", pod: map[string]string{"vault.hashicorp.com/role": "", "vault.hashicorp.com/agent-inject": "false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := map[string]string{"vault.hashicorp.com/role": "flyte", "vault.hashicorp.com/agent-inject": "true"}
			got := KeepPodAnnotations(x, tt.pod)
			if diff := cmp.Diff(tt.want, got.Annotations); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, x.Annotations); diff != "" {
				t.Errorf("x changed (-want +got):\n%s", diff)
			}
		})
	}
	if got := KeepPodAnnotations(secretspec.Extras{}, map[string]string{"a": "b"}); !got.IsZero() {
		t.Errorf("empty Extras gained %+v", got)
	}
}
