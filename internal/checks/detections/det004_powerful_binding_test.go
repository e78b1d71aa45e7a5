package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET004(t *testing.T) {
	const (
		admin = `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"backdoor"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"User","name":"eve","apiGroup":"rbac.authorization.k8s.io"}]}`
		view  = `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"readers","namespace":"shop"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"devs","apiGroup":"rbac.authorization.k8s.io"}]}`
	)
	got := checktest.Detect(t, "DET-004", event("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", "mallory", body(admin)), nil)
	if len(got) != 1 || got[0].Message != "mallory created ClusterRoleBinding backdoor giving User eve full access (every verb on every resource) through ClusterRole cluster-admin" {
		t.Errorf("cluster-admin binding: %v", got)
	}
	for name, line := range map[string]string{
		"view":      event("create", "rbac.authorization.k8s.io", "rolebindings", "", "shop", "", "alice", body(view)),
		"denied":    event("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", "mallory", body(admin), code(403)),
		"bootstrap": event("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", "system:apiserver", body(admin)),
		"no body":   event("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", "mallory"),
	} {
		if got := checktest.Detect(t, "DET-004", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
