package network

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func TestIMDSEgress(t *testing.T) {
	internet := func(except string) string {
		return policy("shop", "internet", "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0"+except+"}}]}]")
	}
	runCases(t, "K8S-084", []tcase{
		{"no egress policy", []string{web},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", []string{"no NetworkPolicy selects Deployment shop/web for egress, so it can reach the instance metadata service (169.254.169.254:80)"}}}},
		{"an allow-all egress policy", []string{web, denyAll, allowAll},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", []string{"NetworkPolicy shop/allow-all-egress spec.egress[0] allows Deployment shop/web to reach the instance metadata service"}}}},
		{"the Internet without an except", []string{web, denyAll, internet("")},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", []string{"NetworkPolicy shop/internet spec.egress[0].to[0] allows"}}}},
		{"the Internet except IMDS", []string{web, denyAll, internet(", except: [169.254.169.254/32]")}, nil},
		{"the Internet except link-local", []string{web, denyAll, internet(", except: [169.254.0.0/16]")}, nil},
		{"default deny", []string{web, denyAll}, nil},
		{"hostNetwork pods are K8S-002's", []string{deployment("shop", "agent", "app: agent", "\n      hostNetwork: true")}, nil},
	})
}

// aksCluster stands in for the AKS managed cluster `scan aks` puts in the
// inventory, through the netpol.EngineReporter hook.
type aksCluster struct{ engine string }

func (c aksCluster) NetworkPolicyEngine() string { return c.engine }

// With network policy engine "none" every pod is open, whatever its
// policies, and the checks say why.
func TestNoPolicyEngine(t *testing.T) {
	p := manifest.Parse("test.yaml", []byte(namespace("shop")+"\n---\n"+web+"\n---\n"+denyAll), manifest.DefaultLimits)
	objs := append(p.Objects, inventory.NewObject(metav1.TypeMeta{Kind: "ManagedCluster"}, &metav1.ObjectMeta{Name: "aks"}, aksCluster{"none"}, finding.Location{Resource: "/subscriptions/s/aks"}, nil))
	var checks []*check.Check
	for _, id := range []string{"K8S-080", "K8S-082", "K8S-084"} {
		c, _ := check.Lookup(id)
		checks = append(checks, c)
	}
	res := engine.Run(inventory.New(objs), checks, checktest.DefaultSettings(), engine.Options{Workers: 1})
	if len(res.Findings) != 3 {
		t.Fatalf("findings %+v", res.Findings)
	}
	for _, f := range res.Findings {
		if !strings.Contains(f.Message, "the cluster's network policy engine is none, so no NetworkPolicy is enforced") {
			t.Errorf("%s: %s", f.CheckID, f.Message)
		}
	}
}
