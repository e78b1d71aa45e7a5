package detections

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-008 fires on an allowed write (create, update, patch, delete) of a
// validating or mutating webhook configuration, or of a
// ValidatingAdmissionPolicy or its binding.

var admissionResources = []string{"validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-008", Title: "Admission webhook or policy changed or deleted", Severity: finding.SeverityHigh, Area: area,
			Description: "An admission webhook configuration or admission policy was created, changed or deleted. Deleting or narrowing one switches off the controls it enforces (Bulwark's own webhook, Azure Policy's Gatekeeper); a new mutating webhook sees, and can change, every object it matches, Secrets included.",
			Remediation: "Check that the change was a planned deployment (its actor should be your delivery pipeline's identity); restore the configuration otherwise. Keep write on webhook configurations to the pipeline (K8S-110).",
			Controls:    threat([]string{"PA-7", "PV-2"}, "T1562.001"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || !ev.VerbIn(changes...) || !ev.Allowed() || system(ev.Actor()) {
				return
			}
			for _, res := range admissionResources {
				if ev.Is("admissionregistration.k8s.io", res, "") {
					r.Fire("%s ran %s on %s", ev.Actor().Username, ev.Verb, ev.Object())
					return
				}
			}
		},
	})
}
