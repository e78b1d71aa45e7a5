package manifest

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// applyDefaults does the part of the API server's defaulting that changes a
// security verdict, so that a manifest is judged as the object the cluster
// would store: a volume with no source becomes an emptyDir
// (SetDefaults_Volume in k8s.io/kubernetes/pkg/apis/core/v1).
func applyDefaults(o *inventory.Object) {
	ps, ok := o.PodSpec()
	if !ok {
		return
	}
	for i := range ps.Spec.Volumes {
		v := &ps.Spec.Volumes[i]
		if v.VolumeSource == (corev1.VolumeSource{}) {
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
	}
}
