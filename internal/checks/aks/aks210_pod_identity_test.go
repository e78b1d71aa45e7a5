package aks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPodIdentity(t *testing.T) {
	akstest.Table(t, "AKS-210", []akstest.Case{
		akstest.C("on", akstest.Cluster(`{"podIdentityProfile": {"enabled": true, "allowNetworkPluginKubenet": false}}`), "properties.podIdentityProfile.enabled"),
		akstest.C("off", akstest.Cluster(`{"podIdentityProfile": {"enabled": false}}`)),
		akstest.C("absent", akstest.Cluster(`{}`)),
	})
}

func TestPodIdentityHalfMigrated(t *testing.T) {
	fs := akstest.Run(t, "AKS-210", akstest.Cluster(`{"podIdentityProfile": {"enabled": true}, "securityProfile": {"workloadIdentity": {"enabled": true}}}`))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "finish the migration") {
		t.Errorf("got %+v", fs)
	}
}
