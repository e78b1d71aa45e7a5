package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-111 reads the subjects of every binding, built-in ones included, and
// reports User system:anonymous and Group system:unauthenticated when the
// referenced role grants more than discovery (the built-in
// system:public-info-viewer binding grants only /healthz, /livez, /readyz
// and /version and is not reported).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-111", Title: "Rights granted to anonymous requests", Severity: finding.SeverityCritical, Area: "rbac",
			Description: "Requests without credentials are authenticated as user system:anonymous in group system:unauthenticated when anonymous authentication is on, as it is by default for the health endpoints. " +
				"Anything bound to them is open to whoever can reach the API server; on an AKS cluster with a public endpoint, that is the Internet.",
			Remediation: "Delete the binding; bind the role to the Entra ID group or ServiceAccount that needs it. Restrict the API server to authorized IP ranges or a private endpoint as well.",
			Controls:    check.Controls{ASB: []string{"PA-7", "IM-1"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalBroadSubject(func(s rbacv1.Subject) string {
			switch {
			case s.Kind == rbacv1.UserKind && s.Name == rbacmodel.UserAnonymous:
				return "every request without credentials"
			case s.Kind == rbacv1.GroupKind && s.Name == rbacmodel.GroupUnauthenticated:
				return "every request without credentials"
			}
			return ""
		}),
	})
}
