package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestSSHAccess(t *testing.T) {
	pools := func(a, b string) string {
		return akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "system", "mode": "System", "securityProfile": ` + a + `},
			{"name": "apps", "mode": "User", "securityProfile": ` + b + `}]}`)
	}
	akstest.Table(t, "AKS-213", []akstest.Case{
		akstest.C("disabled everywhere", pools(`{"sshAccess": "Disabled"}`, `{"sshAccess": "Disabled"}`)),
		akstest.C("second pool enabled", pools(`{"sshAccess": "Disabled"}`, `{"sshAccess": "LocalUser"}`), "properties.agentPoolProfiles[1].securityProfile.sshAccess"),
		akstest.C("null means the default", pools(`{"sshAccess": null}`, `{"sshAccess": "Disabled"}`), "properties.agentPoolProfiles[0].securityProfile.sshAccess"),
		akstest.C("field absent: not assessed", pools(`{}`, `{"sshAccess": "LocalUser"}`), "properties.agentPoolProfiles[1].securityProfile.sshAccess"),
	})
}
