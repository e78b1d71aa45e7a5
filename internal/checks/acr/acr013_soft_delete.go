package acr

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-013 (catalog AKS-A13) reads properties.policies.softDeletePolicy.
// status from the raw JSON (a preview field): deleted artifacts should be
// recoverable for a while. Absent, the check is not assessed.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-013", Title: "Registry soft delete not enabled", Severity: finding.SeverityInfo,
			Description: "Without soft delete, an image deleted by mistake or by an attacker with delete rights is gone, and every deployment that pins it breaks until it is rebuilt.",
			Remediation: "Enable soft delete: az acr config soft-delete update --status enabled --days 7 (ARM: policies.softDeletePolicy).",
			Controls:    check.Controls{Practice: "registry"},
		},
		Reads: []string{"properties.policies.softDeletePolicy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			s, _ := g.RawString("policies", "softDeletePolicy", "status")
			if strings.EqualFold(s, "enabled") {
				return
			}
			if s == "" {
				s = "disabled (default)"
			}
			r.Fail(g.Field("policies", "softDeletePolicy", "status"), s, "registry %s deletes artifacts for good (soft delete %s)", g.Name, s)
		},
	})
}
