package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// AKS-601 reads the cluster's diagnostic settings
// (Microsoft.Insights/diagnosticSettings on the cluster): the API server
// audit log (kube-audit-admin, or kube-audit) and, with Entra ID, the
// guard authentication log must go to a Log Analytics workspace, storage
// account, event hub or partner solution. Category groups allLogs and
// audit count.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-601", Title: "API server audit logs not exported", Severity: finding.SeverityHigh,
			Description: "AKS keeps no audit log you can read unless a diagnostic setting exports it. Without kube-audit-admin (changes) or kube-audit (everything) and guard (Entra ID sign-ins), nobody can tell who created a privileged pod, read a secret or bound cluster-admin.",
			Remediation: "Add a diagnostic setting on the cluster sending kube-audit-admin and guard (or the audit category group) to a Log Analytics workspace: az monitor diagnostic-settings create --resource <cluster-id> --workspace <id> --logs '[{\"category\":\"kube-audit-admin\",\"enabled\":true},{\"category\":\"guard\",\"enabled\":true}]' (Terraform: azurerm_monitor_diagnostic_setting).",
			Controls:    check.Controls{ASB: []string{"LT-3"}, CIS: []string{"2.1.1"}, Practice: "monitoring-logging"},
		},
		Reads: []string{aksmodel.GapDiagnostics, "=properties.aadProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			cats, all := logCategories(c.Diagnostics)
			if all {
				return
			}
			var miss []string
			if !cats["kube-audit-admin"] && !cats["kube-audit"] {
				miss = append(miss, "kube-audit-admin")
			}
			if c.P().AADProfile != nil && !cats["guard"] {
				miss = append(miss, "guard")
			}
			if len(miss) == 0 {
				return
			}
			path := field.NewPath(aksmodel.GapDiagnostics)
			if len(c.Diagnostics) == 0 {
				r.Fail(path, "", "cluster %s has no diagnostic setting: API server audit logs are not kept", c.Label())
				return
			}
			r.Fail(path, strings.Join(miss, ","), "cluster %s does not export the %s log categories", c.Label(), strings.Join(miss, " and "))
		},
	})
}
