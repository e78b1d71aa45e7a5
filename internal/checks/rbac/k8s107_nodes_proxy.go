package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-107 reads the effective rules a ClusterRoleBinding grants and reports
// get or create on nodes/proxy. nodes are cluster-scoped: a RoleBinding
// grants nothing of it.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-107", Title: "Subject can use the kubelet API (nodes/proxy)", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "nodes/proxy forwards requests to the kubelet of any node, whose API runs commands in any pod on it (/exec, /run), reads every container's logs and lists its pods. " +
				"The kubelet authorizes a WebSocket exec with get, so monitoring roles that \"only read\" nodes/proxy can run code in every pod of the cluster, and those calls bypass the pod's admission and audit trail.",
			Remediation: "Scrape node metrics from the kubelet's /metrics with nodes/metrics (or use Azure Monitor managed Prometheus) instead of nodes/proxy:\n\n" +
				"    rules:\n    - apiGroups: [\"\"]\n      resources: [nodes/metrics, nodes/stats]\n      verbs: [get]",
			Controls: check.Controls{ASB: []string{"PA-7"}, CIS: []string{"4.1.9"}, Practice: "identity-rbac"},
			Attack:   check.AttackNodes,
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskNodeProxy, func(*rbacmodel.Binding, rbacmodel.RiskGrant) string {
			return "can reach every kubelet's API through nodes/proxy"
		}),
	})
}
