package scan

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

func routeOf(p report.AttackPath) string {
	s := []string{p.Hops[0].From}
	for _, h := range p.Hops {
		s = append(s, h.To)
	}
	return strings.Join(s, " → ")
}

// TestAssessExamples assesses the insecure example application on the
// default AKS cluster and finds the paths examples/README.md documents,
// each hop resting on the finding it names.
func TestAssessExamples(t *testing.T) {
	rep, err := Assess(context.Background(), AssessOptions{
		Options:   Options{Gate: decide.Gate{FailOn: finding.SeverityHigh}, Now: aksDay},
		Manifests: []string{"../../examples/insecure"},
		AKS:       AKSOptions{Paths: []string{"../../examples/aks/default"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Command != "assess" || rep.Summary.Result != "fail" || len(rep.Errors) != 0 {
		t.Fatalf("command %s result %s errors %v", rep.Command, rep.Summary.Result, rep.Errors)
	}
	byRoute := map[string]report.AttackPath{}
	for _, p := range rep.AttackPaths {
		byRoute[routeOf(p)] = p
	}
	want := []struct {
		route  string
		score  int
		checks []string // the check behind each hop, "" for a relation
	}{
		{"Internet → API server of cluster aks-shop-dev → cluster-admin", 100, []string{"AKS-101", "AKS-205"}},
		{"Internet → Service pets/store-front → Deployment pets/store-front → ServiceAccount pets/default → cluster-admin", 81,
			[]string{"K8S-085", "", "K8S-060", "K8S-063"}},
		{"Internet → Ingress pets/contoso-pets → Service pets/store-front → Deployment pets/store-front → ServiceAccount pets/default → Secrets of namespace pets", 73,
			[]string{"", "", "", "K8S-060", "K8S-102"}},
		{"Internet → Service pets/order-service → Deployment pets/order-service → ServiceAccount pets/default → cluster-admin", 81,
			[]string{"K8S-089", "", "K8S-060", "K8S-063"}},
		{"Internet → Service pets/rabbitmq → StatefulSet pets/rabbitmq → ServiceAccount pets/default → cluster-admin", 81,
			[]string{"K8S-086", "", "K8S-060", "K8S-063"}},
		{"Internet → registry acrshopdev endpoint → registry acrshopdev", 80, []string{"ACR-004", "ACR-001"}},
	}
	for _, w := range want {
		p, ok := byRoute[w.route]
		if !ok {
			t.Errorf("missing path %s", w.route)
			continue
		}
		if p.Score != w.score {
			t.Errorf("%s: score %d, want %d", w.route, p.Score, w.score)
		}
		for i, h := range p.Hops {
			if len(h.Evidence) == 0 || h.Evidence[0].CheckID != w.checks[i] {
				t.Errorf("%s: hop %d (%s) evidence %+v, want %q", w.route, i, h.Step, h.Evidence, w.checks[i])
			}
		}
	}
	// pets/default reaches cluster-admin from three Services and the
	// Ingress: the fix that cuts those paths is K8S-063's ServiceAccount.
	p := byRoute[want[3].route]
	if p.Fix == nil || p.Hops[p.Fix.Hop].Step != "cluster-admin" || p.Fix.Cuts != 4 {
		t.Errorf("fix %+v", p.Fix)
	}
	// Findings on a path come first and count their paths; the same check
	// on an object no path crosses comes later.
	first := slices.IndexFunc(rep.Findings, func(f report.Finding) bool { return f.AttackPaths == 0 })
	if first <= 0 || slices.ContainsFunc(rep.Findings[first:], func(f report.Finding) bool { return f.AttackPaths > 0 }) {
		t.Fatalf("findings on paths not first (first without: %d)", first)
	}
	onPath := slices.IndexFunc(rep.Findings, func(f report.Finding) bool { return f.CheckID == "K8S-060" && f.Subject.Name == "store-front" })
	elsewhere := slices.IndexFunc(rep.Findings, func(f report.Finding) bool { return f.CheckID == "K8S-060" && f.Subject.Name == "nightly-sales-report" })
	if onPath < 0 || elsewhere < 0 || onPath > elsewhere || rep.Findings[onPath].AttackPaths == 0 {
		t.Errorf("K8S-060 on store-front at %d, on the CronJob at %d", onPath, elsewhere)
	}
}

func TestAssessNeedsInput(t *testing.T) {
	if _, err := Assess(context.Background(), AssessOptions{}); err == nil {
		t.Fatal("assess of nothing passed")
	}
}

// TestAssessLiveAKS reads the AKS side from Azure (the SDK's fakes) and
// judges it with the application in files; only the sources given run:
// without an AKS cluster no Azure check is listed as run.
func TestAssessLiveAKS(t *testing.T) {
	s := fleet(t, "aks-live")
	opt := Options{Gate: decide.Gate{FailOn: finding.SeverityHigh}, Now: aksDay}
	live := &azure.LiveOptions{Subscription: fleetSub, ResourceGroup: "rg-aks-live", Name: "aks-live", Credential: azuretest.Credential(), ClientOptions: s.ClientOptions()}
	rep, err := Assess(t.Context(), AssessOptions{Options: opt, Manifests: []string{"../../examples/insecure"}, AKS: AKSOptions{Live: live}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rep.Targets, live.Target()) || !slices.ContainsFunc(rep.Findings, func(f report.Finding) bool {
		return f.Subject.Kind == "ManagedCluster" && strings.HasSuffix(f.Subject.Name, "/aks-live")
	}) {
		t.Errorf("targets %v; no finding on the live cluster", rep.Targets)
	}
	if !slices.ContainsFunc(rep.AttackPaths, func(p report.AttackPath) bool {
		return strings.HasPrefix(routeOf(p), "Internet → Service pets/store-front")
	}) {
		t.Error("no path through the application")
	}

	files, err := Assess(t.Context(), AssessOptions{Options: opt, Manifests: []string{"../../examples/insecure"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range files.Checks {
		if strings.HasPrefix(c.ID, "AKS-") || strings.HasPrefix(c.ID, "ACR-") {
			t.Errorf("%s listed as run without an AKS cluster", c.ID)
		}
	}
}
