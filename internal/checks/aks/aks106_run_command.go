package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-106 reads properties.apiServerAccessProfile.disableRunCommand: run
// command (az aks command invoke) should be disabled.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-106", Title: "Run command (command invoke) enabled", Severity: finding.SeverityMedium,
			Description: "Run command lets anyone with the Azure role to call it run kubectl in a pod inside the cluster through the Azure API, bypassing network controls on the API server, including those of a private cluster.",
			Remediation: "Disable it: az aks update --disable-run-command (ARM: apiServerAccessProfile.disableRunCommand: true; Terraform: run_command_enabled = false). Reach private clusters through a jump host or VPN instead.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "cluster-api-access"},
		},
		Reads: []string{"properties.apiServerAccessProfile.disableRunCommand"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().APIServerAccessProfile
			if a != nil && aksmodel.Bool(a.DisableRunCommand) {
				return
			}
			r.Fail(c.Field("apiServerAccessProfile", "disableRunCommand"), "false",
				"cluster %s allows run command: kubectl runs inside the cluster through the Azure API", c.Label())
		},
	})
}
