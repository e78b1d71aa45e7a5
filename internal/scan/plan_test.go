package scan

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/policy"
)

func mustChecks(t *testing.T, ids ...string) []*check.Check {
	t.Helper()
	cs, _, err := SelectChecks(ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A check asked for by id that the command cannot feed is a usage error
// naming the command that runs it, for every entry point and whether the
// id comes from --checks or from the policy's checks.include.
func TestPlanRefusesChecksTheCommandCannotRun(t *testing.T) {
	withPolicy := func(ids ...string) Options {
		var p policy.Policy
		for _, id := range ids {
			p.Checks.Include = append(p.Checks.Include, policy.CheckOrArea{ID: id})
		}
		return Options{Policy: &p}
	}
	for _, tc := range []struct {
		name    string
		opt     Options
		command string
		sources []check.Source
		want    []string // in the error, in order of the problems
	}{
		{"node check on manifests", Options{Checks: mustChecks(t, "K8S-140")}, "scan manifests", []check.Source{check.Manifests},
			[]string{"K8S-140 cannot run on scan manifests", "only a running cluster", "bulwark scan cluster"}},
		{"azure check on manifests", Options{Checks: mustChecks(t, "AKS-101")}, "scan manifests", []check.Source{check.Manifests},
			[]string{"AKS-101 cannot run on scan manifests", "bulwark scan aks"}},
		{"workload check on aks", Options{Checks: mustChecks(t, "K8S-001")}, "scan aks", []check.Source{check.Azure},
			[]string{"K8S-001 cannot run on scan aks", "bulwark scan manifests or bulwark scan cluster"}},
		{"image check without --images", Options{Checks: mustChecks(t, "IMG-001")}, "scan manifests", []check.Source{check.Manifests},
			[]string{"IMG-001 cannot run on scan manifests", "--images"}},
		{"file-only check live", Options{Checks: mustChecks(t, "K8S-074")}, "scan cluster", []check.Source{check.Cluster},
			[]string{"K8S-074 cannot run on scan cluster", "Secret data is never read", "bulwark scan manifests"}},
		{"through the policy", withPolicy("AKS-101", "K8S-001"), "scan manifests", []check.Source{check.Manifests},
			[]string{"AKS-101 cannot run on scan manifests"}},
		{"through the policy, lower case", withPolicy("k8s-140"), "scan manifests", []check.Source{check.Manifests},
			[]string{"K8S-140 cannot run on scan manifests"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := planChecks(tc.opt, tc.command, tc.sources...)
			var se *SelectionError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SelectionError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// Without a selection, each command runs exactly the checks its sources
// feed; an area in checks.include selects without naming.
func TestPlanNarrowsUnnamedChecksBySource(t *testing.T) {
	areaPolicy := &policy.Policy{}
	areaPolicy.Checks.Include = []policy.CheckOrArea{{ID: "aks"}, {ID: "pod-security"}}
	for _, tc := range []struct {
		opt     Options
		sources []check.Source
	}{
		{Options{}, []check.Source{check.Manifests}},
		{Options{}, []check.Source{check.Cluster}},
		{Options{}, []check.Source{check.Cluster, check.Images}},
		{Options{}, []check.Source{check.Azure}},
		{Options{}, []check.Source{check.Images}},
		{Options{Policy: areaPolicy}, []check.Source{check.Manifests}},
		{Options{Policy: areaPolicy}, []check.Source{check.Azure}},
	} {
		p, err := planChecks(tc.opt, "test", tc.sources...)
		if err != nil {
			t.Fatalf("%v: %v", tc.sources, err)
		}
		if len(p.run) == 0 {
			t.Errorf("%v: no check runs", tc.sources)
		}
		for _, c := range check.All() {
			want := c.RunsOnAny(tc.sources) && tc.opt.Policy.Selects(c)
			if got := slices.Contains(p.run, c); got != want {
				t.Errorf("%v: %s runs = %v, want %v (sources %v)", tc.sources, c.ID, got, want, c.Sources)
			}
		}
	}
	// A live scan lists the Kubernetes checks it cannot feed, for coverage.
	p, _ := planChecks(Options{}, "scan cluster", check.Cluster)
	var elsewhere []string
	for _, c := range p.elsewhere {
		elsewhere = append(elsewhere, c.ID)
	}
	if !slices.Contains(elsewhere, "K8S-074") || !slices.Contains(elsewhere, "K8S-133") || slices.Contains(elsewhere, "AKS-101") {
		t.Errorf("checks a live scan cannot feed: %v", elsewhere)
	}
}

// The entry points refuse before reading anything.
func TestEntryPointsRefuseBeforeReading(t *testing.T) {
	opt := Options{Checks: mustChecks(t, "K8S-140")}
	if _, err := Manifests(context.Background(), []string{"/nonexistent"}, opt); err == nil || !strings.Contains(err.Error(), "bulwark scan cluster") {
		t.Errorf("scan manifests: %v", err)
	}
	if _, err := AKS(context.Background(), AKSOptions{Options: Options{Checks: mustChecks(t, "K8S-001")}, Paths: []string{"/nonexistent"}}); err == nil || !strings.Contains(err.Error(), "cannot run on scan aks") {
		t.Errorf("scan aks: %v", err)
	}
	if _, err := Images(context.Background(), []string{"/nonexistent"}, Options{Checks: mustChecks(t, "AKS-101")}); err == nil || !strings.Contains(err.Error(), "cannot run on scan image") {
		t.Errorf("scan image: %v", err)
	}
}
