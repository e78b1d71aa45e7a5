package aks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestLegacyAAD(t *testing.T) {
	akstest.Table(t, "AKS-203", []akstest.Case{
		akstest.C("managed", akstest.Cluster(`{"aadProfile": {"managed": true}}`)),
		akstest.C("none", akstest.Cluster(`{}`)),
		akstest.C("legacy apps and secret", akstest.Cluster(`{"aadProfile": {"serverAppID": "11111111-1111-1111-1111-111111111111", "serverAppSecret": "s3cr3t-value", "clientAppID": "22222222-2222-2222-2222-222222222222"}}`), "properties.aadProfile.clientAppID", "properties.aadProfile.serverAppID", "properties.aadProfile.serverAppSecret"),
	})
}

func TestLegacyAADSecretMasked(t *testing.T) {
	for _, f := range akstest.Run(t, "AKS-203", akstest.Cluster(`{"aadProfile": {"serverAppSecret": "s3cr3t-value"}}`)) {
		if strings.Contains(f.Evidence+f.Message, "s3cr3t") {
			t.Errorf("secret printed: %+v", f)
		}
	}
}
