package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestImageIntegrity(t *testing.T) {
	const f = "properties.securityProfile.imageIntegrity.enabled"
	akstest.Table(t, "AKS-902", []akstest.Case{
		akstest.C("on", akstest.Cluster(`{"securityProfile": {"imageIntegrity": {"enabled": true}}}`)),
		akstest.C("off", akstest.Cluster(`{"securityProfile": {"imageIntegrity": {"enabled": false}}}`), f),
		akstest.C("null (preview API, not set)", akstest.Cluster(`{"securityProfile": {"imageIntegrity": null}}`), f),
		akstest.C("absent: not assessed", akstest.Cluster(`{"securityProfile": {}}`)),
	})
}
