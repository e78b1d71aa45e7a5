package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPodIMDSAccess(t *testing.T) {
	const f = "properties.networkProfile.podLinkLocalAccess"
	akstest.Table(t, "AKS-308", []akstest.Case{
		akstest.C("IMDS", akstest.Cluster(`{"networkProfile": {"podLinkLocalAccess": "IMDS"}}`), f),
		akstest.C("None", akstest.Cluster(`{"networkProfile": {"podLinkLocalAccess": "None"}}`)),
		akstest.C("null: the API knows the field, value is the default", akstest.Cluster(`{"networkProfile": {"podLinkLocalAccess": null}}`), f),
		akstest.C("absent from a resource read back: not assessed", akstest.Cluster(`{"networkProfile": {}}`)),
	})
}
