package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-604 reads properties.addonProfiles.omsagent.config.useAADAuth (a
// string) when the add-on is on: the monitoring agent should
// authenticate with managed identity, not the workspace's shared key.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-604", Title: "Container insights uses the workspace key", Severity: finding.SeverityLow,
			Description: "Without managed identity authentication the monitoring agent holds the Log Analytics workspace's shared key in a Kubernetes Secret: anyone who reads it can write forged logs into, and with other leaks query, the security team's workspace.",
			Remediation: "Switch to managed identity authentication: az aks enable-addons --addons monitoring --enable-msi-auth-for-monitoring (ARM: omsagent config useAADAuth \"true\"; Terraform: msi_auth_for_monitoring_enabled = true), then disable local auth on the workspace.",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "monitoring-logging"},
		},
		Reads: []string{"properties.addonProfiles.omsagent"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			key, a := c.Addon("omsagent")
			if a == nil || !aksmodel.Bool(a.Enabled) {
				return
			}
			ck, v, _ := aksmodel.AddonConfig(a, "useAADAuth")
			if strings.EqualFold(v, "true") {
				return
			}
			if v == "" {
				v = "false (default)"
			}
			r.Fail(c.Field("addonProfiles").Key(key).Child("config").Key(ck), v, "cluster %s's monitoring agent authenticates with the workspace's shared key", c.Label())
		},
	})
}
