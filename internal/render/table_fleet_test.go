package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// TestTableFleet: each cluster of a fleet on its own line, those not
// assessed with the reason, control characters from Azure names stripped.
func TestTableFleet(t *testing.T) {
	rep := liveReport()
	const sub = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
	rep.Fleet = &report.Fleet{Clusters: []report.FleetCluster{
		{Name: "aks-prod", ResourceGroup: "rg-prod", Subscription: sub, Status: report.ClusterAssessed, Result: "fail", Findings: 12, Blocking: 3, AttackPaths: 1},
		{Name: "aks-dev", ResourceGroup: "rg-dev", Subscription: sub, Status: report.ClusterAssessed, Result: "pass"},
		{Name: "aks-\x1b[2Jedge", ResourceGroup: "rg-edge", Subscription: sub, Status: report.ClusterNotAssessed, Reason: "403 AuthorizationFailed"},
	}}
	rep.Fleet.Summarize()
	var b bytes.Buffer
	if err := Table(&b, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Clusters (3: 2 assessed, 1 not assessed; 1 pass, 1 fail, 0 incomplete):\n" +
			"  FAIL          rg-prod/aks-prod (" + sub + "): 12 findings (3 blocking), 1 attack path\n" +
			"  PASS          rg-dev/aks-dev (" + sub + "): 0 findings (0 blocking), 0 attack paths\n" +
			"  NOT ASSESSED  rg-edge/aks-",
		"edge (" + sub + "): 403 AuthorizationFailed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("an escape sequence from a cluster name reached the terminal")
	}
	// Not a fleet: no section.
	rep.Fleet = nil
	b.Reset()
	if err := Table(&b, rep, Options{}); err != nil || strings.Contains(b.String(), "Clusters (") {
		t.Errorf("err %v, section without a fleet", err)
	}
}
