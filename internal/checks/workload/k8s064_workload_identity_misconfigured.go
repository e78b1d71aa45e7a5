package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-064 reads the pod template's labels and annotations, the workload's
// own labels, the pod's ServiceAccount (serviceAccountName, else
// serviceAccount, else default) and, when that ServiceAccount is in the
// inventory (same namespace), its annotations. The Azure Workload Identity
// webhook mutates only pods labelled azure.workload.identity/use: "true"
// (an exact label selector), and takes the Entra application from the
// ServiceAccount's azure.workload.identity/client-id annotation. It fails:
//   - label present with a value other than "true" or "false";
//   - the key set as a pod-template annotation instead of a label;
//   - the label on the controller's own metadata but not on its template;
//   - label "true" while the ServiceAccount lacks the client-id annotation;
//   - the ServiceAccount has a client-id but the pod has no label (an
//     explicit "false" is an opt-out and passes).
// ServiceAccounts outside the inventory are not judged.

const (
	wiUseLabel         = "azure.workload.identity/use"
	wiClientAnnotation = "azure.workload.identity/client-id"
)

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-064", Title: "Azure Workload Identity misconfigured", Severity: finding.SeverityMedium, Area: "identity",
			Description: "Microsoft Entra Workload ID only works when the pod carries the label azure.workload.identity/use: \"true\" and its ServiceAccount the annotation azure.workload.identity/client-id. " +
				"When one half is missing the webhook injects no federated token or AZURE_CLIENT_ID, and teams under pressure fall back to what does work: client secrets or storage keys in environment variables, or the node's kubelet identity through IMDS, which every pod on the node shares. " +
				"A label on the Deployment instead of its pod template, an annotation instead of a label, or a value like \"True\" are silently ignored.",
			Remediation: "Label the pod template (not only the Deployment) and annotate the ServiceAccount with the user-assigned managed identity's or app registration's client id:\n\n" +
				"    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: orders-api\n      annotations:\n        azure.workload.identity/client-id: <client id>\n    ---\n" +
				"    spec:\n      template:\n        metadata:\n          labels:\n            azure.workload.identity/use: \"true\"\n        spec:\n          serviceAccountName: orders-api\n\n" +
				"and create the federated credential for system:serviceaccount:<namespace>:orders-api (`az identity federated-credential create`).",
			Controls: check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"ServiceAccount"},
		},
		Eval: evalWorkloadIdentityMisconfigured,
	})
}

func evalWorkloadIdentityMisconfigured(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	labelPath := ps.MetaPath.Child("labels").Key(wiUseLabel)
	label, hasLabel := ps.Meta.Labels[wiUseLabel]
	reported := false
	if hasLabel && label != "true" && label != "false" {
		r.Fail(labelPath, label, "pod template label %s is %q; the webhook matches only the exact string \"true\", so no token is injected", wiUseLabel, label)
		reported = true
	}
	if v, ok := ps.Meta.Annotations[wiUseLabel]; ok && label != "true" {
		r.Fail(ps.MetaPath.Child("annotations").Key(wiUseLabel), v, "%s is set as a pod template annotation; the webhook selects pods by label, so no token is injected", wiUseLabel)
		reported = true
	}
	if obj.Kind != "Pod" && obj.Meta.Labels[wiUseLabel] == "true" && label != "true" {
		r.Fail(labelPath, "", "%s %q is labelled %s: \"true\" but its pod template is not; the webhook sees only the pods' labels", obj.Kind, obj.Meta.Name, wiUseLabel)
		reported = true
	}
	saName, saField := podServiceAccount(ps)
	sa, found := ctx.Inventory.ServiceAccount(obj.Meta.Namespace, saName)
	if !found {
		return
	}
	clientID := sa.Annotations[wiClientAnnotation]
	switch {
	case label == "true" && clientID == "":
		r.Fail(ps.SpecPath.Child(saField), saName,
			"pod template uses Workload Identity but ServiceAccount %q has no %s annotation, so AZURE_CLIENT_ID is not injected and the token exchange has no identity to target", saName, wiClientAnnotation)
	case !hasLabel && clientID != "" && !reported:
		r.Fail(labelPath, saName,
			"ServiceAccount %q is mapped to Entra client id %s but the pod template lacks the label %s: \"true\", so the federated token is never injected", saName, clientID, wiUseLabel)
	}
}
