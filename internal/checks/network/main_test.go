package network

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

// Every check of the package must be seen firing and staying quiet.
func TestMain(m *testing.M) { checktest.Main(m) }
