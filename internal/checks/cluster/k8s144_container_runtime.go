package cluster

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-144 reads a Node's status.nodeInfo.containerRuntimeVersion
// ("containerd://1.7.27-1") and reports a runtime Kubernetes no longer
// supports (Docker Engine through dockershim, removed in 1.24), a
// containerd release line that is out of support (before 1.6), or a
// containerd release without the fix for CVE-2024-40635 (a container
// image's numeric user above 2^31 overflowed to root: fixed in 1.6.38,
// 1.7.27 and 2.0.4).

// containerdFixed are, per release line, the first release with every fix
// this check knows of.
var containerdFixed = map[[2]uint]string{
	{1, 6}: "1.6.38",
	{1, 7}: "1.7.27",
	{2, 0}: "2.0.4",
}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-144", Title: "Container runtime unsupported or with a known vulnerability", Severity: finding.SeverityMedium, Area: "nodes",
			Description: "The container runtime is what keeps a container inside its boundaries. Docker Engine is no longer a Kubernetes runtime (dockershim was removed " +
				"in 1.24), containerd before 1.6 gets no fixes, and containerd before 1.6.38, 1.7.27 or 2.0.4 runs an image whose user is a numeric UID above 2147483647 " +
				"as root (CVE-2024-40635), defeating runAsNonRoot-style assumptions baked into images.",
			Remediation: "Upgrade the node image (az aks nodepool upgrade --node-image-only), which brings AKS's current containerd, and keep the node OS upgrade channel on NodeImage.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:       []string{"Node"},
			Sources:     []check.Source{check.Cluster},
			SourceNote:  liveOnly,
		},
		Eval: evalContainerRuntime,
	})
}

func evalContainerRuntime(_ *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	if !ok {
		return
	}
	rv := n.Status.NodeInfo.ContainerRuntimeVersion
	if msg := runtimeProblem(rv); msg != "" {
		r.Fail(field.NewPath("status", "nodeInfo", "containerRuntimeVersion"), rv, "node %q runs %s: %s", n.Name, rv, msg)
	}
}

// runtimeProblem says what is wrong with a runtime version, or "".
func runtimeProblem(rv string) string {
	name, ver, ok := strings.Cut(rv, "://")
	if !ok {
		return ""
	}
	switch name {
	case "docker":
		return "Docker Engine is not a supported Kubernetes runtime since dockershim was removed in Kubernetes 1.24"
	case "containerd":
	default:
		return "" // CRI-O, Kata...: not judged
	}
	v, err := utilversion.ParseGeneric(ver)
	if err != nil {
		return ""
	}
	if v.Major() == 1 && v.Minor() < 6 {
		return fmt.Sprintf("containerd %d.%d is out of support and gets no security fixes", v.Major(), v.Minor())
	}
	fixed, ok := containerdFixed[[2]uint{v.Major(), v.Minor()}]
	if !ok {
		return ""
	}
	if v.LessThan(utilversion.MustParseGeneric(fixed)) {
		return "containerd before " + fixed + " runs images whose numeric user is above 2147483647 as root (CVE-2024-40635)"
	}
	return ""
}
