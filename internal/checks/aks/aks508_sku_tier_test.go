package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestSKUTier(t *testing.T) {
	akstest.Table(t, "AKS-508", []akstest.Case{
		akstest.C("free", akstest.Cluster(`{}`, `"sku": {"name": "Base", "tier": "Free"}`), "sku.tier"),
		akstest.C("no sku: free", akstest.Cluster(`{}`), "sku.tier"),
		akstest.C("standard", akstest.Cluster(`{}`, `"sku": {"name": "Base", "tier": "Standard"}`)),
		akstest.C("premium", akstest.Cluster(`{}`, `"sku": {"name": "Base", "tier": "Premium"}`)),
		akstest.C("old Paid tier", akstest.Cluster(`{}`, `"sku": {"name": "Basic", "tier": "Paid"}`)),
	})
}
