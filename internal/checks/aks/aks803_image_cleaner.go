package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-803 reads properties.securityProfile.imageCleaner.enabled: unused,
// vulnerable images should be removed from nodes.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-803", Title: "Image Cleaner not enabled", Severity: finding.SeverityLow,
			Description: "Images stay in the nodes' cache after their pods go: old, vulnerable images remain available to anyone who can start a pod with imagePullPolicy IfNotPresent, and fill vulnerability reports.",
			Remediation: "Enable Image Cleaner: az aks update --enable-image-cleaner (ARM: securityProfile.imageCleaner.enabled: true; Terraform: image_cleaner_enabled = true, image_cleaner_interval_hours).",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "container"},
		},
		Reads: []string{"properties.securityProfile.imageCleaner"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if s := c.P().SecurityProfile; s != nil && s.ImageCleaner != nil && aksmodel.Bool(s.ImageCleaner.Enabled) {
				return
			}
			r.Fail(c.Field("securityProfile", "imageCleaner", "enabled"), "false", "cluster %s does not remove unused images from its nodes", c.Label())
		},
	})
}
