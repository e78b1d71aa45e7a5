package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestRetention(t *testing.T) {
	const f = "properties.policies.retentionPolicy.status"
	akstest.Table(t, "ACR-012", []akstest.Case{
		akstest.C("default", akstest.Registry(`{}`), f),
		akstest.C("disabled", akstest.Registry(`{"policies": {"retentionPolicy": {"days": 7, "status": "disabled"}}}`), f),
		akstest.C("enabled", akstest.Registry(`{"policies": {"retentionPolicy": {"days": 30, "status": "enabled"}}}`)),
	})
}
