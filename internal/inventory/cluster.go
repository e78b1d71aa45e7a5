package inventory

import (
	"time"

	"k8s.io/apimachinery/pkg/version"
)

// A live-cluster source adds one object of kind ClusterInfoKind (apiVersion
// ClusterInfoAPIVersion, Typed a *ClusterInfo) for what it knows about the
// cluster as a whole. It is not a Kubernetes kind; checks that need the API
// server's version or the time the cluster was observed read it with
// Inventory.ClusterInfo. Inventories read from files have none.
const (
	ClusterInfoKind       = "ClusterInfo"
	ClusterInfoAPIVersion = "bulwark.dev/v1alpha1"
)

// ClusterInfo is what a live source knows about the cluster besides its
// objects.
type ClusterInfo struct {
	// Server is the API server's /version.
	Server version.Info
	// ObservedAt is when the cluster was read (or the date given with
	// --as-of). Checks judge ages against it instead of reading a clock.
	ObservedAt time.Time
	// ControlledPods are Pods the source read but did not hand to the
	// checks, because a controller it also read (a ReplicaSet, Job,
	// StatefulSet, DaemonSet...) owns them and the controller's template is
	// evaluated instead: one finding per controller, not one per replica.
	// Checks about what is running, rather than what is declared (K8S-036),
	// read them here together with OfKind("Pod").
	ControlledPods []*Object
}

// ClusterInfo returns what a live source added about the cluster, or nil
// for an inventory read from files.
func (inv *Inventory) ClusterInfo() *ClusterInfo {
	for _, o := range inv.OfKind(ClusterInfoKind) {
		if ci, ok := o.Typed.(*ClusterInfo); ok {
			return ci
		}
	}
	return nil
}
