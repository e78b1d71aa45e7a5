package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-011 fires on an allowed update or patch of
// certificatesigningrequests/approval by anyone but the control plane
// (the kube-controller-manager's csrapproving controller approves the
// kubelets' own CSRs).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-011", Title: "Certificate signing request approved", Severity: finding.SeverityHigh, Area: area,
			Description: "Someone approved a CertificateSigningRequest (kubectl certificate approve). For the kube-apiserver-client signer the certificate authenticates as any user or group it names, system:masters included, and cannot be revoked before it expires.",
			Remediation: "Check the CSR's signer, user and groups (kubectl get csr NAME -o yaml); if unexpected, rotate the cluster CA (az aks rotate-certs) since the certificate cannot be revoked. Keep approval rights to the control plane (K8S-109).",
			Controls:    threat([]string{"IM-1", "PA-7"}, "T1649"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || !ev.VerbIn("update", "patch") || !ev.Is("certificates.k8s.io", "certificatesigningrequests", "approval") || !ev.Allowed() {
				return
			}
			actor := ev.Actor()
			if actor.Username == "system:kube-controller-manager" || actor.Username == "system:serviceaccount:kube-system:certificate-controller" {
				return
			}
			r.Fire("%s approved certificate signing request %s", actor.Username, ev.ObjectRef.Name)
		},
	})
}
