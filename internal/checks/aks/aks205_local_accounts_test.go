package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestLocalAccounts(t *testing.T) {
	akstest.Table(t, "AKS-205", []akstest.Case{
		akstest.C("default", akstest.Cluster(`{}`), "properties.disableLocalAccounts"),
		akstest.C("enabled", akstest.Cluster(`{"disableLocalAccounts": false}`), "properties.disableLocalAccounts"),
		akstest.C("disabled", akstest.Cluster(`{"disableLocalAccounts": true}`)),
	})
}
