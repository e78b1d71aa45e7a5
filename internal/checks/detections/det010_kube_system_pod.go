package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-010 fires on an allowed create of a pod in kube-system by an
// identity that is not the cluster's own (see system in common.go):
// controllers create kube-system pods as their kube-system
// ServiceAccounts, nodes create mirror pods, people should not.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-010", Title: "Pod created in kube-system by a non-system user", Severity: finding.SeverityHigh, Area: area,
			Description: "A user, or a ServiceAccount of another namespace, created a pod directly in kube-system. The namespace runs the cluster's own components with powerful ServiceAccounts and host access; a pod placed there can use them and hides among system pods.",
			Remediation: "Find who created the pod and delete it if unexpected. Deploy add-ons through their controllers (Deployments, DaemonSets) from a pipeline, and keep create on pods in kube-system out of people's roles.",
			Controls:    threat([]string{"PA-7"}, "T1610", "T1036.005"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || ev.Verb != "create" || !ev.Is("", "pods", "") || ev.ObjectRef.Namespace != "kube-system" || !ev.Allowed() || system(ev.Actor()) {
				return
			}
			name := ev.ObjectRef.Name
			if name == "" {
				name = "(name generated)"
			}
			r.Fire("%s created pod kube-system/%s", ev.Actor().Username, name)
		},
	})
}
