package rbac

import "testing"

func TestApproveCSR(t *testing.T) {
	approval := `{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}`
	runCases(t, "K8S-109", []tcase{
		{"approval and the client signer", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}]`), crb("b", "csr", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"can approve client certificates for any user or group", "ClusterRole csr rules[0]", "with ClusterRoleBinding b → ClusterRole csr rules[1]"}}}},
		{"approval without a signer", []string{clusterRole("csr", "["+approval+"]"), crb("b", "csr", devs)}, nil},
		{"kubelet serving signer only", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [kubernetes.io/kubelet-serving]}]`), crb("b", "csr", devs)}, nil},
		{"the kubernetes.io/* signers", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: ["kubernetes.io/*"]}]`), crb("b", "csr", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"can approve client certificates for any user or group"}}}},
		{"the client signer by name", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [kubernetes.io/kube-apiserver-client]}]`), crb("b", "csr", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"can approve client certificates for any user or group"}}}},
		{"another domain's signers", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: ["example.com/*"]}]`), crb("b", "csr", devs)}, nil},
		{"through a RoleBinding", []string{clusterRole("csr", "["+approval+`, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}]`), rb("shop", "b", "ClusterRole", "csr", devs)}, nil},
	})
}
