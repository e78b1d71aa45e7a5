package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-603 reads properties.addonProfiles.omsagent (omsAgent) .enabled and
// .config.logAnalyticsWorkspaceResourceID, and the preview
// properties.azureMonitorProfile.containerInsights.enabled: container
// logs and metrics should go to a Log Analytics workspace.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-603", Title: "Container insights not enabled", Severity: finding.SeverityMedium,
			Description: "Without Container insights, container stdout/stderr, Kubernetes events and node metrics are lost when pods and nodes go away: the evidence of an intrusion disappears with the attacker's pod.",
			Remediation: "Enable monitoring to a Log Analytics workspace: az aks enable-addons --addons monitoring --workspace-resource-id <id> --enable-msi-auth-for-monitoring (Terraform: oms_agent { log_analytics_workspace_id = ..., msi_auth_for_monitoring_enabled = true }).",
			Controls:    check.Controls{ASB: []string{"LT-3"}, Practice: "monitoring-logging"},
		},
		Reads: []string{"properties.addonProfiles.omsagent", "properties.azureMonitorProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if v, _ := aksmodel.Lookup(c.Raw, "properties", "azureMonitorProfile", "containerInsights", "enabled"); v == true {
				return
			}
			key, a := c.Addon("omsagent")
			switch {
			case a == nil || !aksmodel.Bool(a.Enabled):
				r.Fail(c.Field("addonProfiles").Key(key).Child("enabled"), "false", "cluster %s does not send container logs and metrics to Log Analytics", c.Label())
			default:
				if ck, ws, _ := aksmodel.AddonConfig(a, "logAnalyticsWorkspaceResourceID"); ws == "" {
					r.Fail(c.Field("addonProfiles").Key(key).Child("config").Key(ck), "", "cluster %s enables Container insights without a Log Analytics workspace", c.Label())
				}
			}
		},
	})
}
