package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestQuarantine(t *testing.T) {
	const f = "properties.policies.quarantinePolicy.status"
	akstest.Table(t, "ACR-903", []akstest.Case{
		akstest.C("default", akstest.Registry(`{}`), f),
		akstest.C("enabled", akstest.Registry(`{"policies": {"quarantinePolicy": {"status": "enabled"}}}`)),
	})
}
