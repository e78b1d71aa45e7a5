package policy

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// FromConfigMap reads the policy kept in a ConfigMap under
// data["bulwark.yaml"], the in-cluster form (docs/policy.md). Errors name
// the ConfigMap and the line inside the policy document.
func FromConfigMap(cm *corev1.ConfigMap) (*Policy, error) {
	data, ok := cm.Data[ConfigMapKey]
	if !ok {
		return nil, fmt.Errorf("configmap %s/%s has no %q key", cm.Namespace, cm.Name, ConfigMapKey)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("configmap %s/%s: policy larger than 1 MiB", cm.Namespace, cm.Name)
	}
	return Parse("configmap/"+cm.Namespace+"/"+cm.Name, []byte(data))
}
