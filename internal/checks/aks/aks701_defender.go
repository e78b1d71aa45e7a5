package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-701 reads properties.securityProfile.defender.securityMonitoring.
// enabled and .logAnalyticsWorkspaceResourceID: the Defender for
// Containers sensor should run in the cluster and report to a workspace.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-701", Title: "Defender sensor not enabled", Severity: finding.SeverityHigh,
			Description: "Without the Defender sensor, runtime threats (crypto miners, reverse shells, privileged container escapes, access to the IMDS endpoint) are not detected in the cluster, whatever the subscription's Defender plan.",
			Remediation: "Enable the sensor: az aks update --enable-defender --defender-config <workspace config> (ARM: securityProfile.defender.securityMonitoring.enabled with logAnalyticsWorkspaceResourceID; Terraform: microsoft_defender { log_analytics_workspace_id = ... }), with the Defender for Containers plan on the subscription.",
			Controls:    check.Controls{ASB: []string{"LT-1"}, CIS: []string{"5.1.1"}, Practice: "threat-protection"},
		},
		Reads: []string{"properties.securityProfile.defender"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			var on bool
			var ws string
			if s := c.P().SecurityProfile; s != nil && s.Defender != nil {
				on = s.Defender.SecurityMonitoring != nil && aksmodel.Bool(s.Defender.SecurityMonitoring.Enabled)
				ws = aksmodel.Str(s.Defender.LogAnalyticsWorkspaceResourceID)
			}
			switch {
			case !on:
				r.Fail(c.Field("securityProfile", "defender", "securityMonitoring", "enabled"), "false", "cluster %s does not run the Defender for Containers sensor", c.Label())
			case ws == "":
				r.Fail(c.Field("securityProfile", "defender", "logAnalyticsWorkspaceResourceID"), "", "cluster %s enables the Defender sensor without a Log Analytics workspace", c.Label())
			}
		},
	})
}
