package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestDefender(t *testing.T) {
	akstest.Table(t, "AKS-701", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.securityProfile.defender.securityMonitoring.enabled"),
		akstest.C("on", akstest.Cluster(`{"securityProfile": {"defender": {"logAnalyticsWorkspaceResourceId": "/subscriptions/s/w", "securityMonitoring": {"enabled": true}}}}`)),
		akstest.C("on without workspace", akstest.Cluster(`{"securityProfile": {"defender": {"securityMonitoring": {"enabled": true}}}}`), "properties.securityProfile.defender.logAnalyticsWorkspaceResourceID"),
		akstest.C("off", akstest.Cluster(`{"securityProfile": {"defender": {"securityMonitoring": {"enabled": false}}}}`), "properties.securityProfile.defender.securityMonitoring.enabled"),
	})
}
