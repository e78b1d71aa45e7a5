package cluster

import (
	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-141 reads a Node's status.nodeInfo.kubeletVersion and the API
// server's version (inventory.ClusterInfo) and reports a kubelet older
// than the API server but within the supported skew (K8S-140 reports the
// rest): a node pool that was not upgraded with the control plane.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-141", Title: "Node pool behind the control plane's Kubernetes version", Severity: finding.SeverityLow, Area: "nodes",
			Description: "AKS upgrades the control plane and the node pools separately. A kubelet older than the API server means the node pool's upgrade did not run " +
				"or did not finish: the node keeps the older kubelet and the node image that came with it, without the fixes of the newer release, and the next " +
				"control plane upgrade will push it outside the supported skew (K8S-140).",
			Remediation: "Upgrade the node pool to the control plane's version (az aks nodepool upgrade --kubernetes-version), and enable the cluster auto-upgrade " +
				"channel so that node pools follow the control plane.",
			Controls:   check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:      []string{"Node"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
		},
		Eval: evalKubeletBehindControlPlane,
	})
}

func evalKubeletBehindControlPlane(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	ci := ctx.Inventory.ClusterInfo()
	if !ok || ci == nil {
		return
	}
	server, ok := serverVersion(ci)
	kv := n.Status.NodeInfo.KubeletVersion
	kubelet, err := utilversion.ParseGeneric(kv)
	if !ok || err != nil || kubelet.Major() != server.Major() || int(server.Minor())-int(kubelet.Minor()) > maxKubeletSkew {
		return // K8S-140's
	}
	// Compare release numbers only: a provider's build suffix is not a
	// version difference.
	k := utilversion.MajorMinor(kubelet.Major(), kubelet.Minor()).WithPatch(kubelet.Patch())
	s := utilversion.MajorMinor(server.Major(), server.Minor()).WithPatch(server.Patch())
	if !k.LessThan(s) {
		return
	}
	what := "patch release"
	if kubelet.Minor() < server.Minor() {
		what = "minor version"
	}
	r.Fail(kubeletVersionPath, kv, "node %q runs kubelet %s, an older %s than the API server %s: its node pool was not upgraded with the control plane",
		n.Name, kv, what, ci.Server.GitVersion)
}
