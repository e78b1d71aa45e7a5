package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-201 reads properties.enableRBAC: Kubernetes RBAC must not be turned
// off. Absent means on (the API default).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-201", Title: "Kubernetes RBAC disabled", Severity: finding.SeverityHigh,
			Description: "Without Kubernetes RBAC every authenticated user and service account can do anything in the cluster. RBAC cannot be turned on later: the cluster must be recreated.",
			Remediation: "Create the cluster with RBAC (the default; ARM: enableRBAC: true; Terraform: role_based_access_control_enabled = true) and migrate workloads to it.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Attack:      check.AttackAPIAccess,
		},
		Reads: []string{"properties.enableRBAC"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if e := c.P().EnableRBAC; e != nil && !*e {
				r.Fail(c.Field("enableRBAC"), "false", "cluster %s has Kubernetes RBAC disabled", c.Label())
			}
		},
	})
}
