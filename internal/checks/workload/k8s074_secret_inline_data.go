package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-074 reads data and stringData of Secrets. A Secret written in a
// manifest with non-empty values means the secret values are in source
// control. Keys with empty values (templates to be filled at deploy time)
// do not count, so an empty kubernetes.io/service-account-token Secret
// passes. Evidence lists key names only, never values.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-074", Title: "Secret values committed in a manifest", Severity: finding.SeverityMedium, Area: "secrets",
			Description: "Secret data is only base64-encoded, not encrypted: anyone who can read the repository, its forks, CI logs or a rendered Helm release can decode it, and it stays in Git history after it is removed. " +
				"Secrets delivered this way are also hard to rotate and to audit, because every copy of the manifest is a copy of the credential.",
			Remediation: "Delete the Secret from the manifests and rotate its values. Keep them in Azure Key Vault and mount them with the Secrets Store CSI driver (optionally syncing to a Kubernetes Secret with secretObjects), " +
				"or commit only an encrypted form (Sealed Secrets, SOPS) or an ExternalSecret:\n\n" +
				"    apiVersion: external-secrets.io/v1\n    kind: ExternalSecret\n    metadata:\n      name: db-credentials\n    spec:\n      secretStoreRef:\n        kind: SecretStore\n        name: azure-kv\n" +
				"      target:\n        name: db-credentials\n      data:\n      - secretKey: password\n        remoteRef:\n          key: db-password",
			Controls:   check.Controls{ASB: []string{"IM-8"}, CIS: []string{"4.5.2"}, Practice: "data-protection"},
			Kinds:      []string{"Secret"},
			Sources:    []check.Source{check.Manifests},
			SourceNote: "Secret data is never read from a cluster (metadata only); the check is about values committed to manifests",
		},
		Eval: evalSecretInlineData,
	})
}

func evalSecretInlineData(_ *check.Context, obj *inventory.Object, r *check.Report) {
	s, ok := obj.Typed.(*corev1.Secret)
	if !ok {
		return
	}
	typ := string(s.Type)
	if typ == "" {
		typ = string(corev1.SecretTypeOpaque)
	}
	var data []string
	for _, k := range sortedDataKeys(s.Data) {
		if len(s.Data[k]) > 0 {
			data = append(data, k)
		}
	}
	var stringData []string
	for _, k := range sortedDataKeys(s.StringData) {
		if s.StringData[k] != "" {
			stringData = append(stringData, k)
		}
	}
	for _, f := range []struct {
		name string
		keys []string
	}{{"data", data}, {"stringData", stringData}} {
		if len(f.keys) == 0 {
			continue
		}
		ev := strings.Join(f.keys, ", ")
		r.Fail(field.NewPath(f.name), ev, "Secret of type %s carries %d value(s) inline in %s (keys: %s)", typ, len(f.keys), f.name, ev)
	}
}
