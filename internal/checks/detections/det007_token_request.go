package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-007 fires on an allowed create of serviceaccounts/token (a
// TokenRequest) by anyone but the ServiceAccount itself, the nodes (the
// kubelet mints the projected tokens of its pods) and the control plane.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-007", Title: "Token requested for another ServiceAccount", Severity: finding.SeverityHigh, Area: area,
			Description: "A subject requested a token for a ServiceAccount other than its own (kubectl create token, the TokenRequest API). The token carries every right of that ServiceAccount and, with workload identity, its Azure access: requesting one for another account is how a foothold becomes that account.",
			Remediation: "Confirm the request with the actor; revoke the serviceaccounts/token right (K8S-108) where it is not needed. Tokens cannot be revoked one by one: delete and recreate the ServiceAccount, or wait out the token's expiry.",
			Controls:    threat([]string{"IM-3", "PA-7"}, "T1528"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || ev.Verb != "create" || !ev.Is("", "serviceaccounts", "token") || !ev.Allowed() {
				return
			}
			actor := ev.Actor()
			if ns, name, ok := actor.ServiceAccount(); ok && ns == ev.ObjectRef.Namespace && name == ev.ObjectRef.Name {
				return
			}
			if actor.InGroup("system:nodes") || actor.Username == "system:kube-controller-manager" {
				return
			}
			r.Fire("%s requested a token for ServiceAccount %s/%s", actor.Username, ev.ObjectRef.Namespace, ev.ObjectRef.Name)
		},
	})
}
