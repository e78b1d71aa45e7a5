package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-112 reads the subjects of every binding, built-in ones included, and
// reports Group system:authenticated and Group system:serviceaccounts when
// the referenced role grants more than discovery (the built-in
// system:discovery, system:basic-user and
// system:service-account-issuer-discovery bindings are not reported).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-112", Title: "Rights granted to every authenticated identity", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "system:authenticated is every user and every ServiceAccount token of the cluster; system:serviceaccounts every ServiceAccount of every namespace. " +
				"A right given to them is given to every pod that mounts a token, so one compromised workload anywhere holds it, and on AKS with Entra ID to every identity of the tenant that can get a token for the cluster.",
			Remediation: "Bind the role to the Entra ID group or the ServiceAccounts that need it instead:\n\n" +
				"    subjects:\n    - kind: Group\n      apiGroup: rbac.authorization.k8s.io\n      name: <Entra ID group object id>",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-1"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalBroadSubject(func(s rbacv1.Subject) string {
			switch {
			case s.Kind == rbacv1.GroupKind && s.Name == rbacmodel.GroupAuthenticated:
				return "every authenticated user and ServiceAccount"
			case s.Kind == rbacv1.GroupKind && s.Name == rbacmodel.GroupServiceAccounts:
				return "every ServiceAccount of every namespace"
			}
			return ""
		}),
	})
}
