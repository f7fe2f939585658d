package encode

import "github.com/podsecrets/podsecrets/internal/validation"

// The name checks encode uses, in one place. They have exactly apimachinery's
// rules and messages (k8s.io/apimachinery/pkg/util/validation).

func isConfigMapKey(s string) []string { return validation.IsConfigMapKey(s) }
func isEnvVarName(s string) []string   { return validation.IsEnvVarName(s) }
