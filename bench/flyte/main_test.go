package flytebench

import (
	"fmt"
	"os"
	"testing"

	"github.com/flyteorg/flyte/flytestdlib/logger"
)

// TestMain applies Flyte's default logger configuration (level warn, JSON), as flytepropeller
// does when it loads its configuration at start; without it logrus would log every request's
// global-secret miss at level info, which a running Flyte webhook does not.
func TestMain(m *testing.M) {
	if err := logger.SetConfig(logger.GetConfig()); err != nil {
		fmt.Fprintln(os.Stderr, "applying Flyte's default logger configuration:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
