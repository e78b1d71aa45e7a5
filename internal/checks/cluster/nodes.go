package cluster

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Helpers shared by the node checks (K8S-140..K8S-145).

// serverVersion parses the API server's gitVersion (v1.30.4, or a
// provider's v1.30.4-eks-a737599).
func serverVersion(ci *inventory.ClusterInfo) (*utilversion.Version, bool) {
	v, err := utilversion.ParseGeneric(ci.Server.GitVersion)
	return v, err == nil
}

// node returns the Node an object holds.
func node(obj *inventory.Object) (*corev1.Node, bool) {
	n, ok := obj.Typed.(*corev1.Node)
	return n, ok
}

// nodeContext names what a node runs, for messages: OS image, kernel and
// container runtime as the kubelet reports them.
func nodeContext(n *corev1.Node) string {
	var parts []string
	ni := n.Status.NodeInfo
	if ni.OSImage != "" {
		parts = append(parts, ni.OSImage)
	}
	if ni.KernelVersion != "" {
		parts = append(parts, "kernel "+ni.KernelVersion)
	}
	if ni.ContainerRuntimeVersion != "" {
		parts = append(parts, ni.ContainerRuntimeVersion)
	}
	return strings.Join(parts, ", ")
}

// roughly says a duration the way a person would: 3 days, 5 hours, 12 minutes.
func roughly(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", days(d))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
}

// days is a duration in whole days, for messages.
func days(d time.Duration) int { return int(d / (24 * time.Hour)) }
