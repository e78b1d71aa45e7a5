package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-065 reads the pod template label aadpodidbinding of workloads, and
// flags every object of the AAD Pod Identity API group
// aadpodidentity.k8s.io (AzureIdentity, AzureIdentityBinding,
// AzurePodIdentityException, AzureAssignedIdentity). These kinds have no
// Go type here: only the kind, apiVersion and metadata are read, and the
// finding points at the kind.

const aadPodIdentityGroup = "aadpodidentity.k8s.io"

var aadPodIdentityKinds = []string{"AzureIdentity", "AzureIdentityBinding", "AzurePodIdentityException", "AzureAssignedIdentity"}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-065", Title: "Deprecated AAD pod-managed identity", Severity: finding.SeverityHigh, Area: "identity",
			Description: "Azure AD pod-managed identity (aad-pod-identity, the AKS pod identity add-on) was deprecated in October 2022 and its open-source project archived in 2023; it no longer receives security fixes. " +
				"Its design is weak: the NMI DaemonSet intercepts IMDS traffic on every node and its security relies on iptables rules and pod labels, so a pod that runs with hostNetwork or NET_ADMIN, or that can set the aadpodidbinding label, can obtain tokens for identities bound to other workloads.",
			Remediation: "Migrate to Microsoft Entra Workload ID: create a federated credential for the workload's ServiceAccount on the same managed identity, annotate the ServiceAccount with azure.workload.identity/client-id, " +
				"label the pod template azure.workload.identity/use: \"true\", then remove the aadpodidbinding label, the AzureIdentity/AzureIdentityBinding objects and the pod identity add-on:\n\n" +
				"    az identity federated-credential create --name orders-api --identity-name <identity> --resource-group <rg> \\\n" +
				"      --issuer <cluster OIDC issuer URL> --subject system:serviceaccount:<namespace>:orders-api",
			Controls: check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
			Kinds:    append(append([]string{}, inventory.WorkloadKinds...), aadPodIdentityKinds...),
			Sources:  check.ObjectSources,
		},
		Eval: evalAADPodIdentity,
	})
}

func evalAADPodIdentity(_ *check.Context, obj *inventory.Object, r *check.Report) {
	if obj.Group() == aadPodIdentityGroup {
		r.Fail(field.NewPath("kind"), obj.APIVersion+"/"+obj.Kind, "%s %q is an AAD pod-managed identity object (%s); migrate to Microsoft Entra Workload ID", obj.Kind, obj.Meta.Name, obj.APIVersion)
		return
	}
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	if v, ok := ps.Meta.Labels["aadpodidbinding"]; ok {
		r.Fail(ps.MetaPath.Child("labels").Key("aadpodidbinding"), v,
			"pod template is labelled aadpodidbinding: %q, so it gets its Azure identity through the deprecated AAD pod-managed identity", v)
	}
}
