package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestEntraID(t *testing.T) {
	akstest.Table(t, "AKS-202", []akstest.Case{
		akstest.C("none", akstest.Cluster(`{}`), "properties.aadProfile"),
		akstest.C("managed", akstest.Cluster(`{"aadProfile": {"managed": true, "enableAzureRBAC": true}}`)),
		akstest.C("managed unset, no legacy app", akstest.Cluster(`{"aadProfile": {"adminGroupObjectIDs": ["g"]}}`)),
		akstest.C("legacy", akstest.Cluster(`{"aadProfile": {"managed": false, "serverAppID": "s", "clientAppID": "c"}}`), "properties.aadProfile.managed"),
		akstest.C("legacy, managed unset", akstest.Cluster(`{"aadProfile": {"serverAppID": "s"}}`), "properties.aadProfile.managed"),
	})
}
