package aks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

// The tests judge versions on 2026-11-26 (akstest.AsOf) with the embedded
// calendar: 1.34-1.36 supported, 1.33 in platform support, 1.32 and older
// out of support; 1.31-1.33 within LTS.
func TestUnsupportedVersion(t *testing.T) {
	v := func(version string, more ...string) string {
		return akstest.Cluster(`{"currentKubernetesVersion": "`+version+`", "kubernetesVersion": "`+version+`"}`, more...)
	}
	const f = "properties.currentKubernetesVersion"
	lts := []string{`"sku": {"name": "Base", "tier": "Premium"}`}
	ltsPlan := func(version string) string {
		return akstest.Cluster(`{"currentKubernetesVersion": "`+version+`", "supportPlan": "AKSLongTermSupport"}`, lts...)
	}
	akstest.Table(t, "AKS-501", []akstest.Case{
		akstest.C("supported", v("1.35.3")),
		akstest.C("supported, near its end (AKS-513's)", v("1.34.6")),
		akstest.C("platform support only", v("1.33.2"), f),
		akstest.C("long gone", v("1.27.9"), f),
		akstest.C("older than the calendar", v("1.19.11"), f),
		akstest.C("newer than the calendar", v("1.40.0")),
		akstest.C("lts covers 1.33", ltsPlan("1.33.5")),
		akstest.C("lts over for 1.30", ltsPlan("1.30.14"), f),
		akstest.C("lts plan without premium does not count", akstest.Cluster(`{"currentKubernetesVersion": "1.33.5", "supportPlan": "AKSLongTermSupport"}`, `"sku": {"tier": "Standard"}`), f),
		akstest.C("template alias", akstest.Cluster(`{"kubernetesVersion": "1.32"}`), "properties.kubernetesVersion"),
		akstest.C("no version: the API default", akstest.Cluster(`{}`)),
	})
}

func TestUnsupportedVersionMessage(t *testing.T) {
	fs := akstest.Run(t, "AKS-501", akstest.Cluster(`{"currentKubernetesVersion": "1.33.2"}`))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "community support ended 2026-06-30; platform support only") {
		t.Errorf("got %+v", fs)
	}
}

// Live scans know what the region offers; that decides.
func TestUnsupportedVersionOffered(t *testing.T) {
	objs := akstest.Load(t, akstest.Cluster(`{"currentKubernetesVersion": "1.35.1"}`))
	c := objs[0].Typed.(*aksmodel.Cluster)
	env := *c.Env
	env.Offered = map[string]aksmodel.Offered{"1.36": {Plans: []string{"KubernetesOfficial"}}, "1.37": {Plans: []string{"KubernetesOfficial"}}}
	c.Env = &env
	fs := akstest.RunObjects(t, "AKS-501", objs)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "not offered by the cluster's region") {
		t.Errorf("got %+v", fs)
	}
}
