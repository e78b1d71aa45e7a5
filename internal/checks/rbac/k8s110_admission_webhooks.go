package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-110 reads the effective rules a ClusterRoleBinding grants and reports
// create, update, patch, delete or deletecollection on
// mutatingwebhookconfigurations, validatingwebhookconfigurations,
// validatingadmissionpolicies, mutatingadmissionpolicies and their
// bindings (admissionregistration.k8s.io).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-110", Title: "Subject can change admission webhooks and policies", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "Admission webhooks and policies see, and mutating ones rewrite, every object created in the cluster. " +
				"Whoever registers a mutating webhook can inject containers or ServiceAccounts into other teams' pods; whoever deletes or edits a validating one (Gatekeeper, Azure Policy, Kyverno) switches off the controls it enforces.",
			Remediation: "Leave admission configuration to the platform: Azure Policy for AKS and its Gatekeeper are managed by AKS. Remove write verbs on admissionregistration.k8s.io from roles held by people and applications.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, CIS: []string{"4.1.11"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskAdmission, func(*rbacmodel.Binding, rbacmodel.RiskGrant) string {
			return "can change admission webhooks and policies"
		}),
	})
}
