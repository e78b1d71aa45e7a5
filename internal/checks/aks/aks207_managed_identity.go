package aks

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-207 reads identity.type and properties.servicePrincipalProfile.
// clientId: the cluster should run as a managed identity, not a service
// principal with a client secret ("msi" is what AKS reports for managed
// identity clusters).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-207", Title: "Cluster uses a service principal", Severity: finding.SeverityMedium,
			Description: "A service principal cluster identity has a client secret that expires (breaking the cluster) and must be rotated by hand; it sits in the node's azure.json and in deployment pipelines. A managed identity has no secret to steal or forget.",
			Remediation: "Move to a managed identity: az aks update --enable-managed-identity (ARM: identity.type SystemAssigned or UserAssigned; Terraform: identity { type = \"SystemAssigned\" } instead of service_principal).",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
		},
		Reads: []string{"identity", "properties.servicePrincipalProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if sp := c.P().ServicePrincipalProfile; sp != nil {
				if id := aksmodel.Str(sp.ClientID); id != "" && !strings.EqualFold(id, "msi") {
					r.Fail(c.Field("servicePrincipalProfile", "clientId"), id, "cluster %s runs as service principal %s", c.Label(), id)
					return
				}
			}
			var id *armcontainerservice.ManagedClusterIdentity
			if c.Model != nil {
				id = c.Model.Identity
			}
			if id != nil && id.Type != nil && (*id.Type == armcontainerservice.ResourceIdentityTypeSystemAssigned || *id.Type == armcontainerservice.ResourceIdentityTypeUserAssigned) {
				return
			}
			val := "none"
			if id != nil && id.Type != nil {
				val = string(*id.Type)
			}
			r.Fail(top("identity", "type"), val, "cluster %s has no managed identity (identity type %s)", c.Label(), val)
		},
	})
}
