package e2e

import (
	"context"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// A namespace isolated by a default-deny policy is open after all when the
// AKS cluster runs no network policy engine: scan cluster --aks says so.
func TestClusterAKSContext(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	namespace(t, s, "netctx", nil)
	createPod(t, s, pod("netctx", "api", nil))
	_, err := s.Client.NetworkingV1().NetworkPolicies("netctx").Create(ctx, &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "netctx", Name: "default-deny"},
		Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}},
	}, metav1.CreateOptions{})
	apiserver.Must(t, err)

	count := func(args ...string) (n int, notEnforced int) {
		t.Helper()
		r := bulwarkJSON(t, append([]string{"scan", "cluster", "--kubeconfig", s.Kubeconfig, "-n", "netctx", "--checks", "K8S-080", "--fail-on", "none"}, args...)...)
		for _, f := range r.rep.Findings {
			n++
			if strings.Contains(f.Message, "no NetworkPolicy is enforced") {
				notEnforced++
			}
		}
		return n, notEnforced
	}
	if n, _ := count(); n != 0 {
		t.Errorf("default-deny namespace: %d K8S-080 findings", n)
	}
	if n, ne := count("--aks", "../../examples/aks/default/aks.json"); n != 1 || ne != 1 {
		t.Errorf("on a cluster without a policy engine: %d findings, %d saying policies are not enforced; want 1 and 1", n, ne)
	}
}
