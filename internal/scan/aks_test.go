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

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

// aksDay is the day the examples are judged on.
var aksDay = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func aksOptions(paths ...string) AKSOptions {
	return AKSOptions{Options: Options{Gate: decide.Gate{FailOn: finding.SeverityHigh}, Now: aksDay}, Paths: paths}
}

// ids expands the compact lists below: A101 is AKS-101, R001 ACR-001.
func ids(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if n, ok := strings.CutPrefix(f, "A"); ok {
			out = append(out, "AKS-"+n)
		} else {
			out = append(out, "ACR-"+strings.TrimPrefix(f, "R"))
		}
	}
	return out
}

// TestExamples asserts, check by check, what each example under
// examples/aks fails, what cannot be assessed from it and (everything
// else) what it passes, on 2026-11-26.
func TestAKSExamples(t *testing.T) {
	tests := []struct {
		dir, fail, na string
	}{
		{"default", // az aks show + az acr show of clusters created with defaults
			"R001 R003 R004 R005 R007 R008 R009 R011 R012 R013 R014 R015 R903 A101 A103 A106 A202 A204 A205 A208 A301 A303 A304 A305 " +
				"A307 A401 A403 A404 A405 A406 A408 A501 A502 A503 A508 A510 A511 A512 A604 A605 A701 A801 A803",
			"R006 R010 R016 R017 R212 A211 A213 A308 A505 A601 A602 A902"},
		{"hardened", "", "R006 R016 R017"},
		{"arm",
			"R001 R003 R005 R007 R008 R009 R010 R013 R015 R903 A102 A103 A213 A303 A304 A307 A308 A402 A403 A404 A405 A407 A408 A505 " +
				"A510 A513 A601 A602 A605 A902",
			"A206 A401"},
		{"bicep", "", ""},
		{"terraform",
			"R001 R003 R004 R005 R007 R008 R009 R010 R011 R012 R013 R014 R015 R212 R903 A102 A103 A106 A213 A303 A304 A307 A308 A402 " +
				"A403 A404 A405 A408 A505 A510 A602 A605 A803 A902",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			rep, err := AKS(t.Context(), aksOptions(filepath.Join("../../examples/aks", tt.dir)))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) > 0 || len(rep.CheckErrors) > 0 {
				t.Fatalf("errors %v check errors %v", rep.Errors, rep.CheckErrors)
			}
			want := map[string]string{}
			for id := range azuretest.States(rep) {
				want[id] = "pass"
			}
			for _, id := range ids(tt.fail) {
				want[id] = "fail"
			}
			for _, id := range ids(tt.na) {
				want[id] = "na"
			}
			got := azuretest.States(rep)
			for id, w := range want {
				if got[id] != w {
					t.Errorf("%s: %s, want %s", id, got[id], w)
				}
			}
		})
	}
}

// The example files show what every input format gives a finding: a
// file, a line and, for plans, the Terraform address.
func TestAKSFindingLocations(t *testing.T) {
	rep, err := AKS(t.Context(), aksOptions("../../examples/aks"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		switch {
		case f.Location.File == "" || f.Location.Line == 0:
			t.Errorf("%s on %s: no file position: %+v", f.CheckID, f.Subject, f.Location)
		case strings.Contains(f.Location.File, "terraform") && !strings.HasPrefix(f.Location.Resource, "azurerm_"):
			t.Errorf("%s: plan finding without a Terraform address: %+v", f.CheckID, f.Location)
		}
	}
	if rep.Summary.Findings < 100 {
		t.Errorf("only %d findings over all examples", rep.Summary.Findings)
	}
}

// Live scans run through the Azure SDK's fake servers.
func TestAKSLive(t *testing.T) {
	const (
		sub = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
		id  = "/subscriptions/" + sub + "/resourceGroups/rg-billing-prod/providers/Microsoft.ContainerService/managedClusters/aks-billing-prod"
	)
	fake := &azuretest.Subscription{
		Clusters:   []*armcontainerservice.ManagedCluster{azuretest.Decode[armcontainerservice.ManagedCluster](t, "../source/azure/testdata/live/aks.json")},
		Registries: []*armcontainerregistry.Registry{azuretest.Decode[armcontainerregistry.Registry](t, "../source/azure/testdata/live/acr.json")},
		Versions: []*armcontainerservice.KubernetesVersion{
			{Version: to.Ptr("1.34")}, {Version: to.Ptr("1.35")}, {Version: to.Ptr("1.36")},
		},
		// No role assignments at all: read, and nothing to judge.
		Authorization: &azuretest.Authorization{},
	}
	opt := aksOptions()
	opt.Paths = nil
	opt.Live = &azure.LiveOptions{Subscription: sub, ResourceGroup: "rg-billing-prod", Credential: azuretest.Credential(), ClientOptions: fake.ClientOptions()}
	rep, err := AKS(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Command != "scan aks" || len(rep.Targets) != 1 || rep.Targets[0] != "/subscriptions/"+sub+"/resourceGroups/rg-billing-prod" {
		t.Errorf("command %q targets %v", rep.Command, rep.Targets)
	}
	st := azuretest.States(rep)
	for _, want := range []string{"AKS-501", "AKS-502", "AKS-506", "AKS-205", "AKS-601", "ACR-003", "ACR-004"} {
		if st[want] != "fail" {
			t.Errorf("%s: %s, want fail", want, st[want])
		}
	}
	if st["AKS-102"] != "pass" {
		t.Errorf("AKS-102: a /16 is at the limit, not too broad: %s", st["AKS-102"])
	}
	if st["AKS-211"] != "pass" || st["ACR-212"] != "pass" {
		t.Errorf("role assignments are read live: AKS-211 %s, ACR-212 %s, want pass", st["AKS-211"], st["ACR-212"])
	}
	for _, want := range []string{"AKS-213", "AKS-308", "AKS-902"} {
		if st[want] != "na" {
			t.Errorf("%s: %s, want na (not read live)", want, st[want])
		}
	}
	for _, f := range rep.Findings {
		if f.Subject.Kind == aksmodel.KindCluster && f.Subject.Name != id {
			t.Errorf("subject %v: live findings name the ARM id", f.Subject)
		}
		if f.Location.File != "" || !strings.HasPrefix(f.Location.Resource, "/subscriptions/") {
			t.Errorf("%s: live location %+v", f.CheckID, f.Location)
		}
		if f.CheckID == "AKS-506" && f.Location.Resource != id+"/agentPools/win19" {
			t.Errorf("pool finding located at %q", f.Location.Resource)
		}
		// The region offers 1.34-1.36 only: 1.33 is out.
		if f.CheckID == "AKS-501" && !strings.Contains(f.Message, "not offered by the cluster's region") {
			t.Errorf("AKS-501 message: %s", f.Message)
		}
	}
}

// Policy exceptions select Azure resources by ARM id glob; grace periods
// and severity overrides apply as to any finding.
func TestAKSPolicy(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bulwark.yaml")
	doc := `apiVersion: bulwark.dev/v1alpha1
kind: Policy
severityOverrides:
  AKS-303: medium
exceptions:
  - checks: [AKS-205, AKS-501]
    resources:
      armId: /subscriptions/*/resourcegroups/rg-shop-dev/providers/Microsoft.ContainerService/managedClusters/*
    reason: dev cluster, rebuilt monthly
    owner: shop-team
    expires: 2027-01-31
`
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	opt := aksOptions("../../examples/aks/default/aks.json")
	opt.Policy = pol
	rep, err := AKS(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		switch f.CheckID {
		case "AKS-205", "AKS-501":
			if f.Status != report.StatusExcepted {
				t.Errorf("%s: status %s, want excepted", f.CheckID, f.Status)
			}
		case "AKS-303":
			if f.Severity != report.SeverityMedium || f.Blocking {
				t.Errorf("AKS-303 override: %s blocking=%v", f.Severity, f.Blocking)
			}
		}
	}
}

func TestAKSStaleCalendar(t *testing.T) {
	opt := aksOptions("../../examples/aks/default/aks.json")
	opt.Now = aksmodel.EmbeddedCalendar().Date.AddDate(0, 0, 120)
	rep, err := AKS(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "AKS version calendar is dated") }) {
		t.Errorf("no stale calendar warning: %v", rep.Warnings)
	}
	opt.Now = aksmodel.EmbeddedCalendar().Date.AddDate(0, 0, 30)
	if rep, _ = AKS(t.Context(), opt); slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "calendar is dated") }) {
		t.Error("fresh calendar reported stale")
	}
}
