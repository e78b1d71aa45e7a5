package acr

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-011 (catalog AKS-A11) reads sku.name: private endpoints, firewall
// rules, export and retention policies, customer-managed keys and zone
// redundancy all need the Premium SKU.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-011", Title: "Registry SKU lacks network and policy controls", Severity: finding.SeverityLow,
			Description: "Basic and Standard registries cannot use private endpoints, firewall rules, customer-managed keys, export or retention policies: the controls the other registry checks ask for are out of reach.",
			Remediation: "Upgrade to Premium: az acr update --sku Premium (Terraform: sku = \"Premium\").",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "registry"},
		},
		Reads: []string{"sku"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if s := g.SKU(); !strings.EqualFold(s, "Premium") {
				if s == "" {
					s = "unknown"
				}
				r.Fail(top("sku", "name"), s, "registry %s uses the %s SKU, without private endpoints or firewall rules", g.Name, s)
			}
		},
	})
}
