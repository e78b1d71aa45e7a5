package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-211 reads the role assignments held by the kubelet identity
// (properties.identityProfile.kubeletidentity.objectId): on container
// registries it needs only AcrPull. Role assignments come from live
// scans, `az role assignment list` output, or the template or plan that
// creates them.

// pullOnlyRoles read images and nothing else.
var pullOnlyRoles = []string{"AcrPull", "Reader", "Container Registry Repository Reader", "Container Registry Repository Catalog Lister"}

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-211", Title: "Kubelet identity has more than pull rights on a registry", Severity: finding.SeverityMedium,
			Description: "Every node, and every pod that reaches the node's IMDS endpoint, can act as the kubelet identity. With AcrPush, Contributor or Owner on a registry, one compromised pod can overwrite the images every cluster pulls.",
			Remediation: "Grant the kubelet identity only AcrPull on the registry (az aks update --attach-acr does exactly that) and remove other role assignments it holds on registries.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, CIS: []string{"5.1.3"}, Practice: "identity-rbac"},
			Attack:      check.AttackRegistryWrite,
		},
		Reads: []string{aksmodel.GapRoleAssignments},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			for _, ra := range c.KubeletRoleAssignments {
				if !registryScope(ra.Scope) {
					continue
				}
				role := aksmodel.RoleName(ra.Role)
				pull := false
				for _, p := range pullOnlyRoles {
					pull = pull || strings.EqualFold(role, p)
				}
				if pull {
					continue
				}
				r.Fail(ra.Path, role, "the kubelet identity of cluster %s holds %s on registry %s; it needs only AcrPull", c.Label(), role, scopeName(ra.Scope))
			}
		},
	})
}

func registryScope(scope string) bool {
	return strings.Contains(strings.ToLower(scope), "microsoft.containerregistry/registries/")
}

func scopeName(scope string) string {
	return scope[strings.LastIndexByte(scope, '/')+1:]
}
