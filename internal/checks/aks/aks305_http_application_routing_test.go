package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestHTTPApplicationRouting(t *testing.T) {
	akstest.Table(t, "AKS-305", []akstest.Case{
		akstest.C("on", akstest.Cluster(`{"addonProfiles": {"httpApplicationRouting": {"enabled": true, "config": {"HTTPApplicationRoutingZoneName": "x.westeurope.aksapp.io"}}}}`), "properties.addonProfiles[httpApplicationRouting].enabled"),
		akstest.C("off", akstest.Cluster(`{"addonProfiles": {"httpApplicationRouting": {"enabled": false}}}`)),
		akstest.C("absent", akstest.Cluster(`{}`)),
	})
}
