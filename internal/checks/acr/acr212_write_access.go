package acr

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-212 (catalog AKS-212) reads the role assignments on the registry's
// scope: Owner and Contributor should not be granted on the registry
// itself, and people (principalType User) should not hold push or delete
// rights directly; pipelines do that through their own identities.

var broadRoles = []string{"Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"}

var writeRoles = []string{"AcrPush", "AcrDelete", "AcrImageSigner", "Container Registry Repository Writer", "Container Registry Repository Contributor"}

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-212", Title: "Broad or personal write access to the registry", Severity: finding.SeverityLow,
			Description: "Whoever can push to the registry decides what every cluster runs. Owner or Contributor on the registry also allow turning on the admin user and changing network rules; push rights held by people, not pipelines, bypass review and build provenance.",
			Remediation: "Grant AcrPush only to the build pipeline's identity, AcrPull to consumers, and manage the registry through a management group or resource group role held by few, with PIM for people. Remove direct Owner/Contributor assignments on the registry.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, CIS: []string{"5.1.2"}, Practice: "identity-rbac"},
		},
		Reads: []string{aksmodel.GapRoleAssignments},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			for _, ra := range g.RoleAssignments {
				role := aksmodel.RoleName(ra.Role)
				switch {
				case contains(broadRoles, role):
					r.Fail(ra.Path, role, "%s %s holds %s on registry %s", principal(ra), ra.PrincipalID, role, g.Name)
				case contains(writeRoles, role) && strings.EqualFold(ra.PrincipalType, "User"):
					r.Fail(ra.Path, role, "user %s holds %s on registry %s directly", ra.PrincipalID, role, g.Name)
				}
			}
		},
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func principal(ra aksmodel.RoleAssignment) string {
	if ra.PrincipalType == "" {
		return "principal"
	}
	return strings.ToLower(ra.PrincipalType)
}
