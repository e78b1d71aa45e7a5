package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-006 fires on an authorized get, list or watch of Secrets by a
// subject the DetectContext does not know as a reader of Secrets in that
// namespace: declared in the policy file (detections.secretReaders) or
// learned while bulwark detect --learn was learning. The cluster's own
// identities (system: users, nodes, kube-system ServiceAccounts) read
// Secrets all day and are left out.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-006", Title: "Secrets read by an unexpected subject", Severity: finding.SeverityHigh, Area: area,
			Description: "A user or ServiceAccount that is not a known reader of Secrets in the namespace (declared in the policy file's detections.secretReaders, or seen reading them while bulwark detect was learning) read or listed them. A stolen ServiceAccount token used to harvest credentials looks exactly like this; list and watch return every value of the namespace.",
			Remediation: "Find out why the subject read Secrets. If it should, declare it in detections.secretReaders of the policy file; if not, revoke the binding that lets it (K8S-102) and rotate the Secrets it read.",
			Controls:    threat([]string{"PA-7", "DP-6"}, "T1552.007"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(ctx *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if ctx.SecretReader == nil || !ev.Final() || !ev.VerbIn("get", "list", "watch") || !ev.Is("", "secrets", "") || !authorized(ev) {
				return
			}
			actor := ev.Actor()
			if system(actor) || ctx.SecretReader(actor.Username, ev.ObjectRef.Namespace) {
				return
			}
			r.Fire("%s, not a known reader of Secrets, ran %s on %s", actor.Username, ev.Verb, ev.Object())
		},
	})
}
