package cluster

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-142 reads a Node's metadata.labels["kubernetes.azure.com/node-image-version"],
// which AKS sets to the node image the node was built from, takes the
// image's build date from the version, and reports images more than
// maxNodeImageAgeDays older than the time the cluster was observed
// (inventory.ClusterInfo.ObservedAt). Version forms:
//
//	AKSUbuntu-2204gen2containerd-202410.15.0     YYYYMM.DD.N  (2024-10-15)
//	AKSUbuntu-1804gen2containerd-2022.01.19      YYYY.MM.DD   (older images)
//	AKSWindows-2022-containerd-20348.2762.241009 OS build, then YYMMDD
//
// Nodes without the label (not AKS) or with a version that carries no date
// are not judged. This is the in-cluster evidence of the node OS upgrade
// channel: the channel itself is part of the AKS resource, which the AKS
// checks read.

// NodeImageVersionLabel is the label AKS puts the node image version in.
const NodeImageVersionLabel = "kubernetes.azure.com/node-image-version"

// maxNodeImageAgeDays: AKS publishes a Linux node image every week (Windows
// every month); six missed weekly releases is longer than any monthly
// maintenance window explains.
const maxNodeImageAgeDays = 45

var (
	imageDateYYYYMM = regexp.MustCompile(`-(\d{4})(\d{2})\.(\d{2})\.\d+$`)
	imageDateDotted = regexp.MustCompile(`-(\d{4})\.(\d{2})\.(\d{2})$`)
	imageDateWin    = regexp.MustCompile(`^AKSWindows-.*\.(\d{2})(\d{2})(\d{2})$`)
)

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-142", Title: "Node image older than 45 days", Severity: finding.SeverityMedium, Area: "nodes",
			Description: "AKS node images bundle the OS, kernel, container runtime and kubelet components; a new Linux image with the latest security fixes is published " +
				"every week (Windows every month). A node still on an image built more than 45 days ago has missed several of them: known kernel and runtime " +
				"vulnerabilities stay exploitable from any container on it. It usually means the node OS upgrade channel is None or Unmanaged (which patches packages in place but never the image, " +
				"nor reboots for the kernel), or that upgrades fail on this pool.",
			Remediation: "Upgrade the pool's node image now (az aks nodepool upgrade --node-image-only) and set the node OS upgrade channel to NodeImage " +
				"(az aks update --node-os-upgrade-channel NodeImage) with a weekly maintenance window (aksManagedNodeOSUpgradeSchedule).",
			Controls:   check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:      []string{"Node"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
		},
		Eval: evalNodeImageAge,
	})
}

func evalNodeImageAge(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	ci := ctx.Inventory.ClusterInfo()
	if !ok || ci == nil {
		return
	}
	v := n.Labels[NodeImageVersionLabel]
	built, ok := NodeImageDate(v)
	if !ok {
		return
	}
	age := ci.ObservedAt.Sub(built)
	if days(age) <= maxNodeImageAgeDays {
		return
	}
	msg := "node %q runs node image %s, built on %s, %d days before the scan"
	args := []any{n.Name, v, built.Format(time.DateOnly), days(age)}
	if c := nodeContext(n); c != "" {
		msg += " (%s)"
		args = append(args, c)
	}
	r.Fail(field.NewPath("metadata", "labels").Key(NodeImageVersionLabel), v, msg, args...)
}

// NodeImageDate returns the build date an AKS node image version carries.
func NodeImageDate(v string) (time.Time, bool) {
	var y, m, d string
	if g := imageDateYYYYMM.FindStringSubmatch(v); g != nil {
		y, m, d = g[1], g[2], g[3]
	} else if g := imageDateDotted.FindStringSubmatch(v); g != nil {
		y, m, d = g[1], g[2], g[3]
	} else if g := imageDateWin.FindStringSubmatch(v); g != nil {
		y, m, d = "20"+g[1], g[2], g[3]
	} else {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, strings.Join([]string{y, m, d}, "-"))
	if err != nil {
		return time.Time{}, false
	}
	if yr, _ := strconv.Atoi(y); yr < 2018 {
		return time.Time{}, false // AKS images have no earlier dates: not a date
	}
	return t, true
}
