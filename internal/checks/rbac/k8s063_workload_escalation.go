package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-063 reads a workload's pod template (serviceAccountName or the
// deprecated serviceAccount, automountServiceAccountToken, projected
// serviceAccountToken volumes), its ServiceAccount's
// automountServiceAccountToken, and the RBAC model. It reports a workload
// whose pods hold an API token of a ServiceAccount that is cluster-admin
// or can become it, with the shortest chain of steps (see
// internal/analysis/rbacmodel, Escalation). Pods without an API token are not
// reported: a compromise of them does not yield the account. Workloads the
// addon manager owns in a live cluster are the platform's and are not
// reported; in a manifest its label is only a label, which anyone can
// write, and exempts nothing.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-063", Title: "Workload's ServiceAccount can reach cluster-admin", Severity: finding.SeverityCritical, Area: "identity",
			Description: "Code execution in a pod (a vulnerable dependency, an RCE, a malicious image) yields its mounted ServiceAccount token. " +
				"If that account is cluster-admin, or can create pods where a cluster-admin account lives, read its token Secret, exec into its pods or bind itself a stronger role, " +
				"one compromised workload is a compromised cluster. The finding gives the chain, step by step, with the binding and rule behind each step.",
			Remediation: "Break the chain at its first step: give the workload its own ServiceAccount without RBAC bindings (or a Role limited to what it calls), set automountServiceAccountToken: false if it never calls the API, " +
				"and keep cluster-admin away from ServiceAccounts in namespaces others can deploy to:\n\n" +
				"    spec:\n      serviceAccountName: orders-api\n      automountServiceAccountToken: false",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-3"}, CIS: []string{"4.1.1", "4.1.6"}, Practice: "identity-rbac"},
			Attack:   check.AttackClusterAdmin,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalWorkloadEscalation,
	})
}

func evalWorkloadEscalation(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	m := rbacmodel.For(ctx.Inventory)
	w, ok := m.WorkloadOf(obj)
	if !ok || !w.TokenMounted || obj.Loc.File == "" && obj.Meta.Labels["addonmanager.kubernetes.io/mode"] != "" {
		return
	}
	sa := rbacmodel.ServiceAccount(w.Namespace, w.ServiceAccount)
	chain := m.Escalation(sa)
	if chain == nil {
		return
	}
	if len(chain) == 1 && chain[0].Admin {
		r.Fail(w.SAPath, w.ServiceAccount, "%s %q mounts the API token of %s, which is cluster-admin: %s", obj.Kind, obj.Meta.Name, sa, chain)
		return
	}
	r.Fail(w.SAPath, w.ServiceAccount, "%s %q mounts the API token of %s, which can reach cluster-admin: %s", obj.Kind, obj.Meta.Name, sa, chain)
}
