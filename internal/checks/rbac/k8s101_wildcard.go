package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-101 reads the effective rules a binding grants and reports "*" among
// a rule's verbs or resources (or a "*/subresource"), short of a full
// wildcard, which K8S-100 reports. A "*" API group with named resources
// and verbs is not reported: it grants nothing unforeseen.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-101", Title: "Wildcard verbs or resources granted", Severity: finding.SeverityMedium, Area: "rbac",
			Description: "\"*\" in verbs or resources grants every verb or resource the API server serves now and any it serves later: a CRD installed next year, " +
				"a new subresource (pods/ephemeralcontainers was one), the escalate, bind and impersonate verbs. What the subject can do then depends on the cluster, not on the role. " +
				"The dangerous rights that follow from a wildcard today are reported by their own checks; this one asks for the rule to say what it means.",
			Remediation: "List the verbs and resources the subject needs:\n\n" +
				"    rules:\n    - apiGroups: [apps]\n      resources: [deployments]\n      verbs: [get, list, watch, patch]",
			Controls: check.Controls{ASB: []string{"PA-7"}, CIS: []string{"4.1.3"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskWildcard, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "is granted wildcard verbs or resources " + in(b)
		}),
	})
}
