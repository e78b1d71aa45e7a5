package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestLTSPlan(t *testing.T) {
	lts := func(v, tier string) string {
		return akstest.Cluster(`{"currentKubernetesVersion": "`+v+`", "supportPlan": "AKSLongTermSupport"}`, `"sku": {"name": "Base", "tier": "`+tier+`"}`)
	}
	akstest.Table(t, "AKS-507", []akstest.Case{
		akstest.C("premium, in window", lts("1.33.5", "Premium")),
		akstest.C("standard tier", lts("1.33.5", "Standard"), "sku.tier"),
		akstest.C("no tier", akstest.Cluster(`{"currentKubernetesVersion": "1.33.5", "supportPlan": "AKSLongTermSupport"}`), "sku.tier"),
		akstest.C("minor without LTS", lts("1.29.10", "Premium"), "properties.currentKubernetesVersion"),
		akstest.C("LTS over", lts("1.30.14", "Premium"), "properties.currentKubernetesVersion"),
		akstest.C("community plan", akstest.Cluster(`{"currentKubernetesVersion": "1.35.3", "supportPlan": "KubernetesOfficial"}`)),
	})
}
