package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestKubeDashboard(t *testing.T) {
	akstest.Table(t, "AKS-107", []akstest.Case{
		akstest.C("on", akstest.Cluster(`{"addonProfiles": {"kubeDashboard": {"enabled": true}}}`), "properties.addonProfiles[kubeDashboard].enabled"),
		akstest.C("on, other casing", akstest.Cluster(`{"addonProfiles": {"kubedashboard": {"enabled": true}}}`), "properties.addonProfiles[kubedashboard].enabled"),
		akstest.C("off", akstest.Cluster(`{"addonProfiles": {"kubeDashboard": {"enabled": false}}}`)),
		akstest.C("absent", akstest.Cluster(`{}`)),
	})
}
