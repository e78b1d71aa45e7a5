package rbac

import "testing"

func TestAdmissionWebhooks(t *testing.T) {
	runCases(t, "K8S-110", []tcase{
		{"delete validating webhooks", []string{clusterRole("w", `[{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [delete]}]`), crb("b", "w", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"Group devs can change admission webhooks and policies", "ClusterRole w rules[0]"}}}},
		{"create mutating webhooks", []string{clusterRole("w", `[{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [create]}]`), crb("b", "w", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", nil}}},
		{"read only", []string{clusterRole("w", `[{apiGroups: [admissionregistration.k8s.io], resources: ["*"], verbs: [get, list, watch]}]`), crb("b", "w", devs)}, nil},
	})
}
