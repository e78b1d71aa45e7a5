package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAutoUpgradeChannel(t *testing.T) {
	const f = "properties.autoUpgradeProfile.upgradeChannel"
	ch := func(v string) string { return akstest.Cluster(`{"autoUpgradeProfile": {"upgradeChannel": ` + v + `}}`) }
	akstest.Table(t, "AKS-503", []akstest.Case{
		akstest.C("unset", akstest.Cluster(`{}`), f),
		akstest.C("null (az output)", ch(`null`), f),
		akstest.C("none", ch(`"none"`), f),
		akstest.C("patch", ch(`"patch"`)),
		akstest.C("stable", ch(`"stable"`)),
		akstest.C("node-image", ch(`"node-image"`)),
	})
}
