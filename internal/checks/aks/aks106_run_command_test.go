package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestRunCommand(t *testing.T) {
	const f = "properties.apiServerAccessProfile.disableRunCommand"
	akstest.Table(t, "AKS-106", []akstest.Case{
		akstest.C("default", akstest.Cluster(`{}`), f),
		akstest.C("explicitly enabled", akstest.Cluster(`{"apiServerAccessProfile": {"disableRunCommand": false}}`), f),
		akstest.C("disabled", akstest.Cluster(`{"apiServerAccessProfile": {"disableRunCommand": true}}`)),
	})
}
