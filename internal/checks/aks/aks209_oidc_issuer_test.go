package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestOIDCIssuer(t *testing.T) {
	akstest.Table(t, "AKS-209", []akstest.Case{
		akstest.C("wi without issuer", akstest.Cluster(`{"securityProfile": {"workloadIdentity": {"enabled": true}}}`), "properties.oidcIssuerProfile.enabled"),
		akstest.C("wi with issuer off", akstest.Cluster(`{"securityProfile": {"workloadIdentity": {"enabled": true}}, "oidcIssuerProfile": {"enabled": false}}`), "properties.oidcIssuerProfile.enabled"),
		akstest.C("wi with issuer", akstest.Cluster(`{"securityProfile": {"workloadIdentity": {"enabled": true}}, "oidcIssuerProfile": {"enabled": true}}`)),
		akstest.C("no wi", akstest.Cluster(`{}`)),
	})
}
