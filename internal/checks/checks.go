// Package checks links every check package into the binary. Import it for
// its side effect: each check registers itself in package check.
package checks

import (
	_ "github.com/bulwark-sec/bulwark/internal/checks/acr"
	_ "github.com/bulwark-sec/bulwark/internal/checks/aks"
	_ "github.com/bulwark-sec/bulwark/internal/checks/cluster"
	_ "github.com/bulwark-sec/bulwark/internal/checks/detections"
	_ "github.com/bulwark-sec/bulwark/internal/checks/images"
	_ "github.com/bulwark-sec/bulwark/internal/checks/network"
	_ "github.com/bulwark-sec/bulwark/internal/checks/pss"
	_ "github.com/bulwark-sec/bulwark/internal/checks/rbac"
	_ "github.com/bulwark-sec/bulwark/internal/checks/workload"
)
