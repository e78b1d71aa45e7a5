package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestSoftDelete(t *testing.T) {
	const f = "properties.policies.softDeletePolicy.status"
	akstest.Table(t, "ACR-013", []akstest.Case{
		akstest.C("disabled", akstest.Registry(`{"policies": {"softDeletePolicy": {"retentionDays": 7, "status": "disabled"}}}`), f),
		akstest.C("enabled", akstest.Registry(`{"policies": {"softDeletePolicy": {"retentionDays": 7, "status": "enabled"}}}`)),
		akstest.C("absent: not assessed", akstest.Registry(`{}`)),
	})
}
