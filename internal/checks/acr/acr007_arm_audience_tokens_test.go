package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestARMAudienceTokens(t *testing.T) {
	const f = "properties.policies.azureADAuthenticationAsArmPolicy.status"
	akstest.Table(t, "ACR-007", []akstest.Case{
		akstest.C("enabled", akstest.Registry(`{"policies": {"azureADAuthenticationAsArmPolicy": {"status": "enabled"}}}`), f),
		akstest.C("disabled", akstest.Registry(`{"policies": {"azureADAuthenticationAsArmPolicy": {"status": "disabled"}}}`)),
		akstest.C("absent: not assessed", akstest.Registry(`{"policies": {}}`)),
	})
}
