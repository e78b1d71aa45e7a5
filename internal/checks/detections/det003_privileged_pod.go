package detections

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-003 decodes the pod of an allowed pod create (the request object,
// logged at level Request or above) and judges it with the checks that
// run at admission; it fires when one of high or critical severity in
// areas pod-security or host reports on it: privileged containers, host
// namespaces, hostPath volumes, added capabilities, runtime sockets. The
// checks are the catalog's, so the alert names the same ids a scan does.

// dangerousAreas are the areas of the checks whose findings make a pod a
// foothold on its node.
var dangerousAreas = []string{"pod-security", "host"}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-003", Title: "Privileged, host-namespace or hostPath pod created", Severity: finding.SeverityHigh, Area: area,
			Description: "A pod was created that breaks out of its container by design: privileged, sharing the node's PID, IPC or network namespace, mounting the node's filesystem or container runtime socket, or adding kernel capabilities. Attackers create such pods to take the node, its kubelet credentials and every pod on it. It is judged by the same checks as a scan (K8S-001, K8S-002, K8S-005 and the rest of the pod-security and host areas at high severity or above); the request object is needed, so the audit policy must log pods at level Request or RequestResponse.",
			Remediation: "Find who created the pod and why; delete it if unexpected. Enforce Pod Security baseline or restricted on the namespace (pod-security.kubernetes.io/enforce) or run bulwark admission serve so such pods are refused at the door.",
			Controls:    threat([]string{"PV-4", "PA-7"}, "T1610", "T1611"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(ctx *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if ctx.Judge == nil || !ev.Final() || ev.Verb != "create" || !ev.Allowed() || !ev.Is("", "pods", "") {
				return
			}
			fs, err := ctx.Judge(ev, ev.RequestObject)
			if err != nil {
				return
			}
			var found []string
			for _, f := range fs {
				c, ok := check.Lookup(f.CheckID)
				if ok && f.Severity >= finding.SeverityHigh && slices.Contains(dangerousAreas, c.Area) && !slices.Contains(found, f.CheckID) {
					found = append(found, f.CheckID)
				}
			}
			if len(found) > 0 {
				slices.Sort(found)
				name := ev.ObjectRef.Name
				if name == "" && len(fs) > 0 {
					name = fs[0].Subject.Name
				}
				r.Fire("%s created pod %s/%s that fails %s", ev.Actor().Username, ev.ObjectRef.Namespace, name, strings.Join(found, ", "))
			}
		},
	})
}
