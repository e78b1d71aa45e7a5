package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-001 fires on an authorized create or get of pods/exec or
// pods/attach (get is the WebSocket upgrade), whoever asks: a shell in a
// running container is rare in production and always worth a look.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-001", Title: "Exec or attach into a pod", Severity: finding.SeverityHigh, Area: area,
			Description: "Someone ran a command in, or attached to, a running container (kubectl exec, kubectl attach). The container's files, mounted Secrets and ServiceAccount token are theirs for the session; in production this is how an intruder with stolen credentials moves, and rarely how operators should work.",
			Remediation: "Confirm with the actor that the session was expected. Take exec out of standing roles (K8S-105) and debug with kubectl debug on an ephemeral copy; list the people who may exec in an exception of the policy file (by actor and namespace) so that their sessions stop alerting.",
			Controls:    threat([]string{"PA-7"}, "T1609"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || !ev.VerbIn("create", "get") || !authorized(ev) {
				return
			}
			if ev.Is("", "pods", "exec") || ev.Is("", "pods", "attach") {
				r.Fire("%s ran %s on pod %s/%s", ev.Actor().Username, ev.ObjectRef.Subresource, ev.ObjectRef.Namespace, ev.ObjectRef.Name)
			}
		},
	})
}
