package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-106 reads the effective rules a binding grants and reports create on
// pods; create, update or patch on replicationcontrollers, deployments,
// daemonsets, statefulsets, replicasets, jobs and cronjobs (apps, batch,
// extensions); and update or patch on pods.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-106", Title: "Subject can create or change pods and pod controllers", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "Whoever can create a pod, or a controller with a pod template, chooses its serviceAccountName and volumes: the pod can run as any ServiceAccount of the namespace and mount any of its Secrets, " +
				"and, where Pod Security admission allows it, run privileged on the node. Patching a running pod's image runs new code under its identity. " +
				"Creating workloads is therefore as strong as the strongest ServiceAccount and Secret of the namespace.",
			Remediation: "Deploy through a pipeline identity or the AKS GitOps extension rather than people's standing rights, bind it per namespace, keep powerful ServiceAccounts out of namespaces others deploy to, and enforce the restricted Pod Security level there:\n\n" +
				"    kind: RoleBinding\n    metadata: {name: deployer, namespace: app}\n    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-deployer}",
			Controls: check.Controls{ASB: []string{"PA-7"}, CIS: []string{"4.1.4"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskWorkloads, func(b *rbacmodel.Binding, rg rbacmodel.RiskGrant) string {
			for _, g := range rg.Grants {
				if g.Caps()&rbacmodel.CapCreateWorkloads != 0 {
					return "can create or change pods and pod controllers " + in(b) + ", and so run as any ServiceAccount there"
				}
			}
			return "can change the images of running pods " + in(b) + ", and so run code as their ServiceAccounts"
		}),
	})
}
