// Package needs handles a test's missing prerequisite (a tool, a data set
// outside the repository): a skip with the way to get it when a developer
// runs `go test`, a failure under hack/test.sh and CI, which set
// BULWARK_REQUIRE_TOOLS after installing everything, so that a test can
// never pass there by not running.
package needs

import (
	"fmt"
	"os"
	"testing"
)

// Missing stops t for a missing prerequisite described by format.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
		t.Fatal(msg + " (required: BULWARK_REQUIRE_TOOLS is set)")
	}
	t.Skip(msg)
}
