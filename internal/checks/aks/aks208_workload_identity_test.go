package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestWorkloadIdentity(t *testing.T) {
	const f = "properties.securityProfile.workloadIdentity.enabled"
	akstest.Table(t, "AKS-208", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), f),
		akstest.C("off", akstest.Cluster(`{"securityProfile": {"workloadIdentity": {"enabled": false}}}`), f),
		akstest.C("on", akstest.Cluster(`{"securityProfile": {"workloadIdentity": {"enabled": true}}, "oidcIssuerProfile": {"enabled": true}}`)),
	})
}
