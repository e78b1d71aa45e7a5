package rbac

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// scanExample runs this package's checks on an example directory.
func scanExample(t *testing.T, dir string) []finding.Finding {
	return checktest.RunDir(t, dir, func(c *check.Check) bool { return c.Area == "rbac" || c.ID == "K8S-063" })
}

// The insecure example's RBAC mistakes are found on the binding that makes
// them, naming the subject and the binding → role → rule path; the
// hardened twin has none.
func TestExamples(t *testing.T) {
	fs := scanExample(t, "../../../examples/insecure")
	for _, w := range []struct{ id, subject, field, says string }{
		{"K8S-100", "ClusterRoleBinding/pets-github-actions-admin", "subjects[0]",
			"ServiceAccount pets/github-actions is cluster-admin (every verb on every resource, cluster-wide): ClusterRoleBinding pets-github-actions-admin → ClusterRole cluster-admin rules[0]"},
		{"K8S-106", "RoleBinding/pets/default-sa-edit", "subjects[0]",
			"ServiceAccount pets/default can create or change pods and pod controllers in namespace pets, and so run as any ServiceAccount there: RoleBinding pets/default-sa-edit → ClusterRole edit → aggregated ClusterRole system:aggregate-to-edit rules[2]"},
		{"K8S-102", "ClusterRoleBinding/pets-support", "subjects[0]", "Group 00000000-0000-0000-0000-0000000000c1 can read Secrets cluster-wide: ClusterRoleBinding pets-support → ClusterRole pets-support rules[2]"},
		{"K8S-104", "ClusterRoleBinding/pets-support", "subjects[0]", "ClusterRole pets-support rules[4] (verbs=impersonate resources=users,groups,serviceaccounts)"},
		{"K8S-103", "RoleBinding/pets/release-manager", "subjects[0]", "can grant itself any right in namespace pets (escalate or bind): RoleBinding pets/release-manager → Role pets/release-manager rules[0]"},
		{"K8S-100", "RoleBinding/pets/release-manager", "subjects[0]", "has full access in namespace pets"},
		{"K8S-112", "ClusterRoleBinding/everyone-can-view", "subjects[0]", "Group system:authenticated (every authenticated user and ServiceAccount) is granted ClusterRole view cluster-wide"},
		{"K8S-107", "ClusterRoleBinding/fluent-bit", "subjects[0]", "ServiceAccount kube-system/fluent-bit can reach every kubelet's API through nodes/proxy: ClusterRoleBinding fluent-bit → ClusterRole fluent-bit rules[0]"},
		{"K8S-123", "Role/pets/incident-debug", "rules[1]", "Role pets/incident-debug is bound to nobody"},
		{"K8S-063", "Deployment/pets/order-service", "spec.template.spec.serviceAccountName",
			"(1) ServiceAccount pets/default can create pods or pod controllers in namespace pets and so acts as ServiceAccount pets/github-actions"},
		{"K8S-063", "DaemonSet/kube-system/fluent-bit", "spec.template.spec.serviceAccountName", "through the kubelet API (nodes/proxy)"},
	} {
		found := false
		for _, f := range fs {
			if f.CheckID == w.id && f.Subject.String() == w.subject && f.Field == w.field && strings.Contains(f.Message, w.says) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s on %s %s saying %q", w.id, w.subject, w.field, w.says)
		}
	}
	if fs := scanExample(t, "../../../examples/hardened"); len(fs) > 0 {
		t.Errorf("hardened example: %v", messages(fs))
	}
}
