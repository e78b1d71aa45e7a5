package policy

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestFromConfigMap(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "bulwark-system", Name: "policy"}, Data: map[string]string{ConfigMapKey: full}}
	p, err := FromConfigMap(cm)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "configmap/bulwark-system/policy" || p.Exceptions[0].Where(p.Source) != "configmap/bulwark-system/policy:15" {
		t.Errorf("source %q", p.Source)
	}
	cm.Data[ConfigMapKey] = strings.Replace(full, "K8S-029", "K8S-0290", 1)
	if _, err := FromConfigMap(cm); err == nil || !strings.Contains(err.Error(), "configmap/bulwark-system/policy:5: severityOverrides: unknown check id") {
		t.Errorf("error %v", err)
	}
	delete(cm.Data, ConfigMapKey)
	if _, err := FromConfigMap(cm); err == nil {
		t.Error("a ConfigMap without the key was accepted")
	}
}
