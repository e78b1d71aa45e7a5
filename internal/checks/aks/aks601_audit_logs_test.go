package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAuditLogs(t *testing.T) {
	entra := akstest.Cluster(`{"aadProfile": {"managed": true}}`)
	plain := akstest.Cluster(`{}`)
	list := func(docs ...string) string {
		s := "["
		for i, d := range docs {
			if i > 0 {
				s += ","
			}
			s += d
		}
		return s + "]"
	}
	const f = "diagnosticSettings"
	akstest.Table(t, "AKS-601", []akstest.Case{
		akstest.C("audit admin and guard", list(entra, diag(log("kube-audit-admin")+","+log("guard")))),
		akstest.C("full audit", list(plain, diag(log("kube-audit")))),
		akstest.C("guard missing with entra id", list(entra, diag(log("kube-audit-admin"))), f),
		akstest.C("no audit", list(plain, diag(log("kube-apiserver"))), f),
		akstest.C("audit disabled", list(plain, diag(`{"category": "kube-audit-admin", "enabled": false}`)), f),
		akstest.C("no destination", list(plain, diag(log("kube-audit-admin"), `"workspaceId": null`)), f),
		akstest.C("category group audit", list(entra, diag(`{"categoryGroup": "audit", "enabled": true}`))),
		akstest.C("category group allLogs", list(entra, diag(`{"categoryGroup": "allLogs", "enabled": true}`))),
		akstest.C("storage destination", list(plain, diag(log("kube-audit-admin"), `"storageAccountId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs"`))),
		akstest.C("unknown without diagnostic documents", plain),
	})
}
