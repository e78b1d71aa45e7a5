package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/schematest"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

const fleetSub = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"

// fleet serves a subscription of AKS clusters, all copies of the live
// test cluster, through the SDK's fakes, Resource Graph two rows a page.
func fleet(t *testing.T, names ...string) *azuretest.Subscription {
	t.Helper()
	base := azuretest.Decode[armcontainerservice.ManagedCluster](t, "../source/azure/testdata/live/aks.json")
	s := &azuretest.Subscription{
		Versions:      []*armcontainerservice.KubernetesVersion{{Version: to.Ptr("1.34")}, {Version: to.Ptr("1.35")}, {Version: to.Ptr("1.36")}},
		Authorization: &azuretest.Authorization{},
		Graph:         &azuretest.Graph{PageSize: 2},
	}
	for _, n := range names {
		s.Clusters = append(s.Clusters, azuretest.Renamed(base, fleetSub, "rg-"+n, n))
	}
	return s
}

func fleetOptions(s *azuretest.Subscription) FleetOptions {
	return FleetOptions{Options: options(), Concurrency: 2,
		Find: azure.FindOptions{Subscriptions: []string{fleetSub}, Credential: azuretest.Credential(), ClientOptions: s.ClientOptions()}}
}

// TestFleet assesses five clusters Resource Graph lists over three pages:
// two are read and judged, one answers 403, one is gone (404) and one does
// not answer in time. Every cluster is listed; the three not assessed are
// input errors, so the run's verdict is incomplete (exit 2) whatever the
// findings.
func TestFleet(t *testing.T) {
	s := fleet(t, "aks-a", "aks-b", "aks-denied", "aks-slow")
	s.Graph.Unreadable = []*armcontainerservice.ManagedCluster{azuretest.Renamed(s.Clusters[0], fleetSub, "rg-gone", "aks-gone")}
	s.DenyClusters = map[string]bool{"aks-denied": true}
	s.HangClusters = map[string]bool{"aks-slow": true}
	opt := fleetOptions(s)
	opt.Timeout = 500 * time.Millisecond
	res, err := Fleet(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report
	if len(s.Graph.Queries) != 3 {
		t.Errorf("Resource Graph read in %d pages, want 3", len(s.Graph.Queries))
	}
	got := map[string]report.FleetCluster{}
	for _, c := range rep.Fleet.Clusters {
		got[c.Name] = c
	}
	for name, want := range map[string]string{"aks-denied": "403 AuthorizationFailed", "aks-gone": "404 ResourceNotFound", "aks-slow": "timed out after 500ms"} {
		if c := got[name]; c.Status != report.ClusterNotAssessed || c.Reason != want || c.Result != "" {
			t.Errorf("%s: %+v, want not assessed: %s", name, c, want)
		}
	}
	for _, name := range []string{"aks-a", "aks-b"} {
		if c := got[name]; c.Status != report.ClusterAssessed || c.Result != "fail" || c.Findings == 0 || c.Blocking == 0 || c.ResourceGroup != "rg-"+name || c.Location != "northeurope" {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if want := (report.FleetSummary{Clusters: 5, Assessed: 2, NotAssessed: 3, Failed: 2}); rep.Fleet.Summary != want {
		t.Errorf("fleet summary %+v, want %+v", rep.Fleet.Summary, want)
	}
	if rep.Summary.Result != "error" || rep.Summary.ExitCode != report.ExitError {
		t.Errorf("result %s exit %d: a cluster not assessed makes the verdict incomplete", rep.Summary.Result, rep.Summary.ExitCode)
	}
	var errs []string
	for _, e := range rep.Errors {
		errs = append(errs, e.Resource+": "+e.Message)
	}
	if !slices.ContainsFunc(errs, func(e string) bool {
		return strings.HasSuffix(e, "/resourceGroups/rg-aks-denied/providers/Microsoft.ContainerService/managedClusters/aks-denied: cluster not assessed: 403 AuthorizationFailed")
	}) || len(errs) != 3 {
		t.Errorf("input errors %q", errs)
	}
	// The findings of both clusters, each on its own ARM id, under one gate.
	subjects := map[string]int{}
	for _, f := range rep.Findings {
		if f.Subject.Kind == "ManagedCluster" {
			subjects[f.Subject.Name[strings.LastIndex(f.Subject.Name, "/")+1:]]++
		}
	}
	if len(subjects) != 2 || subjects["aks-a"] != subjects["aks-b"] || subjects["aks-a"] == 0 {
		t.Errorf("findings by cluster %v", subjects)
	}
	if rep.Command != "assess" || len(rep.Targets) != 1 || rep.Targets[0] != "/subscriptions/"+fleetSub {
		t.Errorf("command %q targets %v", rep.Command, rep.Targets)
	}
	// Each cluster's own report, in the fleet's order.
	for i, c := range rep.Fleet.Clusters {
		if (res.Clusters[i] == nil) != (c.Status == report.ClusterNotAssessed) {
			t.Errorf("%s: own report %v, status %s", c.Name, res.Clusters[i] != nil, c.Status)
		}
	}
	if s.PeakGets > opt.Concurrency {
		t.Errorf("%d clusters read at once, bound %d", s.PeakGets, opt.Concurrency)
	}

	// One result file per assessed cluster, each a whole report of its own.
	dir := filepath.Join(t.TempDir(), "results")
	files, err := res.WriteClusters(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schematest.Validate(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if want := []string{fleetSub + "_rg-aks-a_aks-a.json", fleetSub + "_rg-aks-b_aks-b.json"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
}

// TestFleetNothingFound: a subscription without a cluster the credential
// may read is an error, not a pass over nothing.
func TestFleetNothingFound(t *testing.T) {
	s := fleet(t)
	if _, err := Fleet(t.Context(), fleetOptions(s)); err == nil || !strings.Contains(err.Error(), "no AKS cluster found in /subscriptions/"+fleetSub) {
		t.Errorf("err %v", err)
	}
}

// TestFleetPasses: clusters all assessed with nothing blocking pass.
func TestFleetPasses(t *testing.T) {
	s := fleet(t, "aks-a", "aks-b", "aks-c")
	opt := fleetOptions(s)
	opt.Gate.Never = true
	res, err := Fleet(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Summary.Result != "pass" || res.Report.Fleet.Summary != (report.FleetSummary{Clusters: 3, Assessed: 3, Passed: 3}) {
		t.Errorf("result %s, fleet %+v", res.Report.Summary.Result, res.Report.Fleet.Summary)
	}
}

// TestFleetSharedRegistry: two clusters in one resource group are each
// read with its registry; the fleet reports the registry's findings once.
func TestFleetSharedRegistry(t *testing.T) {
	s := fleet(t)
	base := azuretest.Decode[armcontainerservice.ManagedCluster](t, "../source/azure/testdata/live/aks.json")
	acr := azuretest.Decode[armcontainerregistry.Registry](t, "../source/azure/testdata/live/acr.json")
	rg := "rg-billing-prod" // the registry's
	s.Clusters = []*armcontainerservice.ManagedCluster{azuretest.Renamed(base, fleetSub, rg, "aks-1"), azuretest.Renamed(base, fleetSub, rg, "aks-2")}
	s.Registries = []*armcontainerregistry.Registry{acr}
	res, err := Fleet(t.Context(), fleetOptions(s))
	if err != nil {
		t.Fatal(err)
	}
	count := func(rep *report.Report) (n int) {
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.CheckID, "ACR-") {
				n++
			}
		}
		return n
	}
	one := count(res.Clusters[0])
	if one == 0 || count(res.Clusters[1]) != one || count(res.Report) != one {
		t.Errorf("registry findings: %d and %d in the clusters' reports, %d in the fleet's, want the same", one, count(res.Clusters[1]), count(res.Report))
	}
	fps := map[string]bool{}
	for _, f := range res.Report.Findings {
		if fps[f.Fingerprint] {
			t.Errorf("%s on %s twice", f.CheckID, f.Subject)
		}
		fps[f.Fingerprint] = true
	}
}
