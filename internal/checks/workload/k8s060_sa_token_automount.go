package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-060 reads the pod spec's automountServiceAccountToken,
// serviceAccountName (or the deprecated serviceAccount) and, when that
// ServiceAccount is in the inventory (same namespace), its
// automountServiceAccountToken. The pod's setting wins when set; otherwise
// the ServiceAccount's applies; with neither set the kubelet mounts a token.
// A ServiceAccount that is not in the scanned manifests is assumed to keep
// the default (mount).
//
// Azure Workload Identity does not need this token: its webhook projects a
// separate token (audience api://AzureADTokenExchange) at
// /var/run/secrets/azure/tokens, so workload-identity pods are judged like
// any other. Only pods that call the Kubernetes API need the API token.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-060", Title: "Service account token automounted", Severity: finding.SeverityLow, Area: "identity",
			Description: "Unless disabled, every container gets a Kubernetes API token for the pod's ServiceAccount at /var/run/secrets/kubernetes.io/serviceaccount. " +
				"Most applications never call the API server, but anyone who gets code execution in the container (an RCE, a malicious dependency) can use the token to enumerate the cluster and exercise whatever RBAC the ServiceAccount has, which over time tends to grow. " +
				"Disabling the mount removes the credential; Azure Workload Identity keeps working because it uses its own projected token.",
			Remediation: "Disable the token for pods that do not call the Kubernetes API, on the pod spec or on the ServiceAccount:\n\n" +
				"    spec:\n      automountServiceAccountToken: false\n\n" +
				"    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: app\n    automountServiceAccountToken: false\n\n" +
				"Pods that do need the API should use a dedicated ServiceAccount with a minimal Role, and can mount a short-lived, audience-bound token through a projected serviceAccountToken volume.",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-3"}, CIS: []string{"4.1.6"}, Practice: "identity-rbac"},
			Attack:   check.AttackToken,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"ServiceAccount"},
		},
		Eval: evalSATokenAutomount,
	})
}

func evalSATokenAutomount(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	p := ps.SpecPath.Child("automountServiceAccountToken")
	saName, _ := podServiceAccount(ps)
	if am := ps.Spec.AutomountServiceAccountToken; am != nil {
		if *am {
			r.Fail(p, "true", "pod spec sets automountServiceAccountToken: true, so every container gets an API token for ServiceAccount %q", saName)
		}
		return
	}
	sa, found := ctx.Inventory.ServiceAccount(obj.Meta.Namespace, saName)
	switch {
	case !found:
		r.Fail(p, "", "automountServiceAccountToken is not set on the pod spec, so every container gets an API token for ServiceAccount %q (not in the scanned manifests, assumed to mount tokens)", saName)
	case sa.AutomountServiceAccountToken == nil:
		r.Fail(p, "", "automountServiceAccountToken is set neither on the pod spec nor on ServiceAccount %q, so every container gets an API token", saName)
	case *sa.AutomountServiceAccountToken:
		r.Fail(p, "", "automountServiceAccountToken is not set on the pod spec and ServiceAccount %q sets it to true, so every container gets an API token", saName)
	}
}

// podServiceAccount returns the ServiceAccount a pod runs as, and the
// field that names it: serviceAccountName, else the deprecated
// serviceAccount, else "default" (with the serviceAccountName path, where
// the user would set it).
func podServiceAccount(ps inventory.PodSpec) (string, string) {
	switch {
	case ps.Spec.ServiceAccountName != "":
		return ps.Spec.ServiceAccountName, "serviceAccountName"
	case ps.Spec.DeprecatedServiceAccount != "":
		return ps.Spec.DeprecatedServiceAccount, "serviceAccount"
	}
	return "default", "serviceAccountName"
}
