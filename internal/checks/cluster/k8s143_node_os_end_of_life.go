package cluster

import (
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-143 reads a Node's status.nodeInfo.osImage (as the kubelet reports
// it: "Ubuntu 22.04.5 LTS", "CBL-Mariner/Linux", "Windows Server 2019
// Datacenter") and reports an operating system past the end of its
// support on AKS at the time the cluster was observed
// (inventory.ClusterInfo.ObservedAt). The kernel version is shown for
// context but not judged alone: distributions backport fixes, so its
// number says little about its patch level.

type osSupport struct {
	prefix string
	name   string
	end    time.Time
	note   string
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// osEndOfSupport lists operating systems AKS nodes ran, with the day their
// support ended. Where only the month is announced, the month's last day.
var osEndOfSupport = []osSupport{
	{"Ubuntu 16.04", "Ubuntu 16.04 LTS", date("2021-04-30"), "end of standard support"},
	{"Ubuntu 18.04", "Ubuntu 18.04 LTS", date("2023-05-31"), "end of standard support"},
	{"Ubuntu 20.04", "Ubuntu 20.04 LTS", date("2025-05-31"), "end of standard support"},
	// Azure Linux 2.0 reports its old name. AKS stopped its security
	// updates on 2025-11-30 and froze its image at 202512.06.0.
	{"CBL-Mariner/Linux", "Azure Linux (CBL-Mariner) 2.0", date("2025-11-30"), "end of support on AKS"},
	{"Windows Server 2019", "Windows Server 2019", date("2026-03-31"), "retired on AKS in March 2026"},
	{"Windows Server 2022", "Windows Server 2022", date("2027-03-31"), "retired on AKS in March 2027"},
}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-143", Title: "Node operating system out of support", Severity: finding.SeverityHigh, Area: "nodes",
			Description: "Once an operating system leaves support, neither its vendor nor AKS ship fixes for it: every kernel, runtime and library vulnerability found " +
				"afterwards stays open on the node, and AKS no longer builds node images for it, so the pool cannot even be reimaged to a patched one. " +
				"Containers share the node's kernel, so one kernel bug is a way out of every container on it.",
			Remediation: "Move the node pool to a supported OS SKU: create a pool with --os-sku Ubuntu2204/Ubuntu2404 or AzureLinux3 (or Windows2025), " +
				"move the workloads (cordon and drain), and delete the old pool; or upgrade the cluster to a Kubernetes version whose default OS is supported.",
			Controls:   check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:      []string{"Node"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
		},
		Eval: evalNodeOSEndOfLife,
	})
}

func evalNodeOSEndOfLife(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	ci := ctx.Inventory.ClusterInfo()
	if !ok || ci == nil {
		return
	}
	img := n.Status.NodeInfo.OSImage
	for _, s := range osEndOfSupport {
		if !strings.HasPrefix(img, s.prefix) || !ci.ObservedAt.After(s.end.Add(24*time.Hour)) {
			continue
		}
		msg := "node %q runs %s (%s), out of support since %s (%s)"
		args := []any{n.Name, s.name, img, s.end.Format(time.DateOnly), s.note}
		if k := n.Status.NodeInfo.KernelVersion; k != "" {
			msg += "; kernel %s"
			args = append(args, k)
		}
		r.Fail(field.NewPath("status", "nodeInfo", "osImage"), img, msg, args...)
		return
	}
}
