package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNetworkDefaultDeny(t *testing.T) {
	const f = "properties.networkRuleSet.defaultAction"
	akstest.Table(t, "ACR-004", []akstest.Case{
		akstest.C("allow", akstest.Registry(`{"networkRuleSet": {"defaultAction": "Allow", "ipRules": []}}`), f),
		akstest.C("default", akstest.Registry(`{}`), f),
		akstest.C("deny with rules", akstest.Registry(`{"networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}]}}`)),
		akstest.C("public access off", akstest.Registry(`{"publicNetworkAccess": "Disabled", "networkRuleSet": {"defaultAction": "Allow"}}`)),
	})
}
