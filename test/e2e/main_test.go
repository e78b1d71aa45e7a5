package e2e

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// One control plane serves the tests that do not need a cluster of their
// own; they keep to their own namespaces. It starts on first use.
var (
	sharedOnce sync.Once
	sharedSrv  *apiserver.Server
	sharedErr  error
	sharedDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedSrv != nil {
		if err := sharedSrv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the shared control plane:", err)
			code = 1
		}
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// shared returns the shared control plane, or skips (fails under
// BULWARK_REQUIRE_TOOLS) without the binaries.
func shared(t *testing.T) *apiserver.Server {
	t.Helper()
	if _, err := apiserver.Assets(); err != nil {
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	sharedOnce.Do(func() {
		if sharedDir, sharedErr = os.MkdirTemp("", "bulwark-e2e-"); sharedErr != nil {
			return
		}
		sharedSrv, sharedErr = apiserver.New(sharedDir)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedSrv
}
