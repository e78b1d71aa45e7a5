package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestExportPolicy(t *testing.T) {
	const f = "properties.policies.exportPolicy.status"
	akstest.Table(t, "ACR-008", []akstest.Case{
		akstest.C("default", akstest.Registry(`{}`), f),
		akstest.C("enabled", akstest.Registry(`{"policies": {"exportPolicy": {"status": "enabled"}}}`), f),
		akstest.C("disabled", akstest.Registry(`{"policies": {"exportPolicy": {"status": "disabled"}}}`)),
	})
}
