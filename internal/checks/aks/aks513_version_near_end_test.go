package aks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestVersionNearEnd(t *testing.T) {
	v := func(version string, more ...string) string {
		return akstest.Cluster(`{"currentKubernetesVersion": "`+version+`"}`, more...)
	}
	const f = "properties.currentKubernetesVersion"
	akstest.Table(t, "AKS-513", []akstest.Case{
		akstest.C("ends in 4 days", v("1.34.6"), f),
		akstest.C("months left", v("1.35.3")),
		akstest.C("already out: AKS-501's", v("1.33.2")),
		akstest.C("lts ends in 4 days", akstest.Cluster(`{"currentKubernetesVersion": "1.31.9", "supportPlan": "AKSLongTermSupport"}`, `"sku": {"tier": "Premium"}`), f),
		akstest.C("lts moves the end", akstest.Cluster(`{"currentKubernetesVersion": "1.34.6", "supportPlan": "AKSLongTermSupport"}`, `"sku": {"tier": "Premium"}`)),
	})
	fs := akstest.Run(t, "AKS-513", v("1.34.6"))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "ends on 2026-11-30 (in 4 days)") || !strings.Contains(fs[0].Message, "projected") {
		t.Errorf("message: %+v", fs)
	}
}
