package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPlatformLogs(t *testing.T) {
	autoscaling := akstest.Cluster(`{"agentPoolProfiles": [{"name": "p", "enableAutoScaling": true, "minCount": 1, "maxCount": 3}]}`)
	fixed := akstest.Cluster(`{"agentPoolProfiles": [{"name": "p", "count": 3}]}`)
	planes := log("kube-apiserver") + "," + log("kube-controller-manager") + "," + log("kube-scheduler")
	akstest.Table(t, "AKS-602", []akstest.Case{
		akstest.C("all, fixed pools", `[`+fixed+`,`+diag(planes)+`]`),
		akstest.C("autoscaler missing", `[`+autoscaling+`,`+diag(planes)+`]`, "diagnosticSettings"),
		akstest.C("all with autoscaler", `[`+autoscaling+`,`+diag(planes+","+log("cluster-autoscaler"))+`]`),
		akstest.C("audit only", `[`+fixed+`,`+diag(log("kube-audit-admin"))+`]`, "diagnosticSettings"),
	})
}
