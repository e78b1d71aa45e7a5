package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-109 reads the effective rules a ClusterRoleBinding grants and
// reports update or patch on certificatesigningrequests/approval held
// together with approve on signers for kubernetes.io/kube-apiserver-client
// (by that name or kubernetes.io/*, or any). Approval for other signers
// (kubelet serving certificates) is not reported.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-109", Title: "Subject can approve client certificates", Severity: finding.SeverityCritical, Area: "rbac",
			Description: "A CertificateSigningRequest for the kube-apiserver-client signer names its user and groups in the request's subject. " +
				"Whoever can approve it can have the cluster CA sign a client certificate for any identity, group system:masters included, which authenticates without RBAC and cannot be revoked short of rotating the CA.",
			Remediation: "Leave CSR approval to the control plane. If an operator must approve, limit it to its own signer name:\n\n" +
				"    rules:\n    - apiGroups: [certificates.k8s.io]\n      resources: [signers]\n      resourceNames: [example.com/my-signer]\n      verbs: [approve]",
			Controls: check.Controls{ASB: []string{"PA-7", "PA-1"}, CIS: []string{"4.1.10"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskApproveCSR, func(*rbacmodel.Binding, rbacmodel.RiskGrant) string {
			return "can approve client certificates for any user or group (kube-apiserver-client signer)"
		}),
	})
}
