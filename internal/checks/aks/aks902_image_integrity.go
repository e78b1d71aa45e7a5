package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-902 reads properties.securityProfile.imageIntegrity.enabled, a
// field of preview API versions read from the raw JSON: Image Integrity
// verifies image signatures at admission. A template or plan without it
// deploys the default (off); a cluster read back from Azure without it is
// not assessed.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-902", Title: "Image Integrity not enabled", Severity: finding.SeverityLow,
			Description: "Without signature verification at admission, the cluster runs any image a registry serves, including one pushed with stolen registry credentials: signing images in CI protects nothing until the cluster checks the signatures.",
			Remediation: "Enable Image Integrity (preview: az aks update --enable-image-integrity) with a Notation verification policy, or enforce signatures with Ratify and Gatekeeper or Kyverno.",
			Controls:    check.Controls{ASB: []string{"DS-6"}, Practice: "build"},
		},
		Reads: []string{"properties.securityProfile.imageIntegrity"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if v, _ := aksmodel.Lookup(c.Raw, "properties", "securityProfile", "imageIntegrity", "enabled"); v == true {
				return
			}
			r.Fail(c.Field("securityProfile", "imageIntegrity", "enabled"), "false", "cluster %s does not verify image signatures at admission", c.Label())
		},
	})
}
