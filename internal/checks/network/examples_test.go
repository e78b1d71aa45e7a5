package network

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// scanExample runs this package's checks on an example directory.
func scanExample(t *testing.T, dir string) []finding.Finding {
	return checktest.RunDir(t, dir, func(c *check.Check) bool { return c.Area == "network" })
}

// The insecure example's policies isolate nothing and let every pod reach
// IMDS; the hardened twin denies by default and never allows IMDS.
func TestExamples(t *testing.T) {
	fs := scanExample(t, "../../../examples/insecure")
	for _, w := range []struct{ id, subject, field, says string }{
		{"K8S-082", "Namespace/pets", "metadata.name", "for egress (NetworkPolicy pets/allow-all-egress spec.egress[0] admits all traffic to every pod)"},
		{"K8S-082", "Deployment/default/product-service", "metadata.namespace", "namespace default has no default-deny NetworkPolicy"},
		{"K8S-083", "NetworkPolicy/pets/store-front-ingress", "spec.podSelector", "selects none of the 7 workloads of its namespace"},
		{"K8S-084", "Deployment/pets/order-service", "spec.template.metadata.labels", "NetworkPolicy pets/allow-all-egress spec.egress[0] allows Deployment pets/order-service to reach the instance metadata service"},
		{"K8S-084", "Deployment/default/product-service", "spec.template.metadata.labels", "no NetworkPolicy selects Deployment default/product-service for egress"},
		{"K8S-080", "Deployment/pets/store-front", "spec.template.metadata.labels", "no NetworkPolicy selects Deployment pets/store-front for ingress"},
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
	for _, f := range fs {
		if strings.Contains(f.Subject.String(), "netdebug") || strings.Contains(f.Subject.String(), "kube-system") {
			t.Errorf("hostNetwork or kube-system pod judged: %s %s", f.CheckID, f.Subject)
		}
	}
	if fs := scanExample(t, "../../../examples/hardened"); len(fs) > 0 {
		t.Errorf("hardened example: %v", fs)
	}
}
