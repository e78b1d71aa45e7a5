package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-002 fires on an authorized create or get of pods/portforward.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-002", Title: "Port-forward into a pod", Severity: finding.SeverityMedium, Area: area,
			Description: "Someone opened a tunnel from their machine to a port of a running pod (kubectl port-forward). It reaches services no Ingress or NetworkPolicy exposes (databases, admin consoles) from outside the cluster's network controls.",
			Remediation: "Confirm the session with the actor. Take pods/portforward out of standing roles (K8S-115); waive expected users in the policy file's exceptions by actor and namespace.",
			Controls:    threat([]string{"PA-7", "NS-2"}, "T1609"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if ev.Final() && ev.VerbIn("create", "get") && authorized(ev) && ev.Is("", "pods", "portforward") {
				r.Fire("%s port-forwarded to pod %s/%s", ev.Actor().Username, ev.ObjectRef.Namespace, ev.ObjectRef.Name)
			}
		},
	})
}
