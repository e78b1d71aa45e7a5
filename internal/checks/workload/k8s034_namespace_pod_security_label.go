package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-034 reads a Namespace's metadata.labels["pod-security.kubernetes.io/enforce"].
// It reports the label missing, set to privileged, or set to a value that
// is not a Pod Security level.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-034", Title: "Namespace does not enforce a Pod Security level", Severity: finding.SeverityMedium, Area: "namespaces",
			Description: "Pod Security admission only blocks pods in namespaces labelled pod-security.kubernetes.io/enforce. Without the label the cluster default applies, " +
				"which on AKS is privileged: anyone who can create a pod or a controller in the namespace can run a privileged pod with the node's file system and namespaces " +
				"and take over the node. enforce=privileged says the same explicitly. A value that is not privileged, baseline or restricted makes the API server reject " +
				"the namespace label (or, on a namespace that already has it, evaluates pods as restricted), so the manifest does not do what its author meant.",
			Remediation: "Label every application namespace with the strictest level its pods meet, restricted where possible, and use warn/audit to try a level before enforcing it:\n\n" +
				"    apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: app\n      labels:\n        pod-security.kubernetes.io/enforce: restricted\n" +
				"        pod-security.kubernetes.io/enforce-version: latest\n        pod-security.kubernetes.io/warn: restricted",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2"}, Practice: "container"},
			Kinds:    []string{"Namespace"},
			Sources:  check.ObjectSources,
		},
		Eval: evalNamespacePodSecurityLabel,
	})
}

func evalNamespacePodSecurityLabel(_ *check.Context, obj *inventory.Object, r *check.Report) {
	p := field.NewPath("metadata", "labels").Key(api.EnforceLevelLabel)
	v, ok := obj.Meta.Labels[api.EnforceLevelLabel]
	switch {
	case !ok:
		r.Fail(p, "unset", "namespace %q has no %s label, so the cluster default (privileged on AKS) applies", obj.Meta.Name, api.EnforceLevelLabel)
	case v == string(api.LevelPrivileged):
		r.Fail(p, v, "namespace %q enforces the privileged level (%s: %s), which allows any pod", obj.Meta.Name, api.EnforceLevelLabel, v)
	default:
		if _, err := api.ParseLevel(v); err != nil {
			r.Fail(p, v, "namespace %q sets %s to %q, which is not a Pod Security level: %v", obj.Meta.Name, api.EnforceLevelLabel, v, err)
		}
	}
}
