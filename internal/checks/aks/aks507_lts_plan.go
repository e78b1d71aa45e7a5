package aks

import (
	"slices"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-507 reads properties.supportPlan, sku.tier and the control plane's
// version: the long-term support plan needs the Premium tier, and the
// version must be one with an LTS window that has not ended.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-507", Title: "Long-term support plan not in effect", Severity: finding.SeverityLow,
			Description: "supportPlan AKSLongTermSupport gives a minor a second year of fixes only with the Premium tier and only for minors with an LTS window. Otherwise the cluster is on community support while its owners believe it is covered for two years.",
			Remediation: "Set sku.tier Premium with the LTS plan (az aks update --tier premium --k8s-support-plan AKSLongTermSupport) on an LTS-eligible minor, or go back to KubernetesOfficial and a regular upgrade cadence.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Data:        []string{check.DataVersions},
		},
		Reads: []string{"properties.supportPlan", "sku", "properties.currentKubernetesVersion", "properties.kubernetesVersion"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			sp := c.P().SupportPlan
			if sp == nil || *sp != armcontainerservice.KubernetesSupportPlanAKSLongTermSupport {
				return
			}
			if !c.SupportPlanLTS() {
				tier := "Free (default)"
				if c.Model.SKU != nil && c.Model.SKU.Tier != nil {
					tier = string(*c.Model.SKU.Tier)
				}
				r.Fail(top("sku", "tier"), tier, "cluster %s selects the LTS support plan on the %s tier; LTS needs Premium", c.Label(), tier)
				return
			}
			s, path := c.Version()
			vd, ok := judge(c, s)
			if !ok {
				return
			}
			if vd.offerKnown {
				if o, found := c.Env.Offered[vd.version.MinorString()]; found && !slices.Contains(o.Plans, "AKSLongTermSupport") {
					r.Fail(path, s, "cluster %s is on the LTS plan but the region does not offer LTS for Kubernetes %s", c.Label(), vd.version.MinorString())
				}
				return
			}
			if vd.status.Known && vd.status.Minor.LTSEnd.IsZero() {
				r.Fail(path, s, "cluster %s is on the LTS plan but Kubernetes %s has no long-term support", c.Label(), vd.version.MinorString())
			} else if vd.status.Known && c.Env.AsOf.After(vd.status.Minor.LTSEnd) {
				r.Fail(path, s, "cluster %s is on the LTS plan but long-term support for Kubernetes %s ended on %s%s", c.Label(), vd.version.MinorString(), date(vd.status.Minor.LTSEnd), projected(vd.status.Minor))
			}
		},
	})
}
