package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPremiumSKU(t *testing.T) {
	akstest.Table(t, "ACR-011", []akstest.Case{
		akstest.C("basic", akstest.Registry(`{}`, `"sku": {"name": "Basic", "tier": "Basic"}`), "sku.name"),
		akstest.C("standard", akstest.Registry(`{}`, `"sku": {"name": "Standard", "tier": "Standard"}`), "sku.name"),
		akstest.C("premium", akstest.Registry(`{}`, `"sku": {"name": "Premium", "tier": "Premium"}`)),
	})
}
