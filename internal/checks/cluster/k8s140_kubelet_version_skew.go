package cluster

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-140 reads a Node's status.nodeInfo.kubeletVersion and the API
// server's version (inventory.ClusterInfo) and reports a kubelet outside
// the skew Kubernetes supports: newer than the API server, or more than
// three minor versions older (https://kubernetes.io/releases/version-skew-policy/).

// maxKubeletSkew is how many minor versions a kubelet may trail the API
// server (three since Kubernetes 1.28).
const maxKubeletSkew = 3

var kubeletVersionPath = field.NewPath("status", "nodeInfo", "kubeletVersion")

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-140", Title: "Kubelet version outside the supported skew", Severity: finding.SeverityHigh, Area: "nodes",
			Description: "A kubelet newer than the API server, or more than three minor versions older, is a combination Kubernetes does not test or support: " +
				"API behaviour the kubelet relies on may be missing or changed, including the node authorizer's and admission's protections. Such a skew also means " +
				"the node pool missed several upgrades, so its kubelet, container runtime and OS lack security fixes, and every further control plane upgrade " +
				"widens the gap.",
			Remediation: "Upgrade the node pool to the control plane's version (az aks nodepool upgrade --kubernetes-version), one minor version at a time if needed, " +
				"and enable the cluster auto-upgrade channel (patch or stable) so node pools keep up.",
			Controls:   check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:      []string{"Node"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
		},
		Eval: evalKubeletVersionSkew,
	})
}

func evalKubeletVersionSkew(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	ci := ctx.Inventory.ClusterInfo()
	if !ok || ci == nil {
		return
	}
	server, ok := serverVersion(ci)
	kv := n.Status.NodeInfo.KubeletVersion
	kubelet, err := utilversion.ParseGeneric(kv)
	if !ok || err != nil {
		return
	}
	sv := ci.Server.GitVersion
	switch {
	case kubelet.Major() != server.Major():
		r.Fail(kubeletVersionPath, kv, "node %q runs kubelet %s against API server %s, a different major version", n.Name, kv, sv)
	case kubelet.Minor() > server.Minor():
		r.Fail(kubeletVersionPath, kv, "node %q runs kubelet %s, newer than the API server %s; a kubelet must never be newer than the API server", n.Name, kv, sv)
	case server.Minor()-kubelet.Minor() > maxKubeletSkew:
		r.Fail(kubeletVersionPath, kv, "node %q runs kubelet %s, %d minor versions behind the API server %s; at most %d are supported",
			n.Name, kv, server.Minor()-kubelet.Minor(), sv, maxKubeletSkew)
	}
}
