package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAdminGroup(t *testing.T) {
	akstest.Table(t, "AKS-206", []akstest.Case{
		akstest.C("no entra id: AKS-202's", akstest.Cluster(`{}`)),
		akstest.C("no group", akstest.Cluster(`{"aadProfile": {"managed": true}}`), "properties.aadProfile.adminGroupObjectIDs"),
		akstest.C("empty group list", akstest.Cluster(`{"aadProfile": {"managed": true, "adminGroupObjectIDs": []}}`), "properties.aadProfile.adminGroupObjectIDs"),
		akstest.C("group", akstest.Cluster(`{"aadProfile": {"managed": true, "adminGroupObjectIDs": ["3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d"]}}`)),
	})
}
