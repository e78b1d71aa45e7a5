package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-009 (catalog AKS-A09) reads properties.encryption.status: the
// registry's content should be encrypted with a customer-managed key.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-009", Title: "Registry not encrypted with a customer-managed key", Severity: finding.SeverityLow,
			Description: "By default registry content is encrypted with Microsoft-managed keys; a customer-managed key lets you control, rotate and revoke access to the images, as regulated workloads often require.",
			Remediation: "Create the registry with a Key Vault key (az acr create --key-encryption-key <key-id> --identity <uami>; Terraform: encryption { key_vault_key_id = ..., identity_client_id = ... }). Premium SKU; set at creation.",
			Controls:    check.Controls{ASB: []string{"DP-5"}, Practice: "registry"},
		},
		Reads: []string{"properties.encryption.status"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			e := g.P().Encryption
			if e != nil && e.Status != nil && *e.Status == armcontainerregistry.EncryptionStatusEnabled {
				return
			}
			r.Fail(g.Field("encryption", "status"), "disabled", "registry %s encrypts its content with Microsoft-managed keys only", g.Name)
		},
	})
}
