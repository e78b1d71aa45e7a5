package live_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

// Role assignments read live, judged by AKS-211 and ACR-212 through the
// whole scan, against the authorization API's own fake server.

const (
	sub     = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
	subID   = "/subscriptions/" + sub
	rgID    = subID + "/resourceGroups/rg-billing-prod"
	acrID   = rgID + "/providers/Microsoft.ContainerRegistry/registries/acrbillingprod"
	aksID   = rgID + "/providers/Microsoft.ContainerService/managedClusters/aks-billing-prod"
	shared  = subID + "/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/acrshared"
	kubelet = "a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d" // ../testdata/live/aks.json
	nodes   = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9" // a group the kubelet identity is in
	alice   = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	bob     = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
	carol   = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"
	ci      = "4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f8a"

	roleDefs    = subID + "/providers/Microsoft.Authorization/roleDefinitions/"
	acrPull     = roleDefs + "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	acrPush     = roleDefs + "8311e382-0749-4cb8-b61a-304f252e45ec"
	owner       = roleDefs + "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	contributor = roleDefs + "b24988ac-6180-42a0-ab88-20f7382dd24c"
	janitor     = roleDefs + "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a" // a custom role
)

var day = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func assignment(scope, name, principal string, typ armauthorization.PrincipalType, role string) *armauthorization.RoleAssignment {
	return azuretest.RoleAssignment(scope, name, principal, typ, role)
}

func subscription(t *testing.T) *azuretest.Subscription {
	sp, user, group := armauthorization.PrincipalTypeServicePrincipal, armauthorization.PrincipalTypeUser, armauthorization.PrincipalTypeGroup
	return &azuretest.Subscription{
		Clusters:   []*armcontainerservice.ManagedCluster{azuretest.Decode[armcontainerservice.ManagedCluster](t, "../testdata/live/aks.json")},
		Registries: []*armcontainerregistry.Registry{azuretest.Decode[armcontainerregistry.Registry](t, "../testdata/live/acr.json")},
		Versions:   []*armcontainerservice.KubernetesVersion{{Version: to.Ptr("1.34")}, {Version: to.Ptr("1.35")}, {Version: to.Ptr("1.36")}},
		Authorization: &azuretest.Authorization{
			Assignments: []*armauthorization.RoleAssignment{
				// The kubelet identity: AcrPull on the registry (fine),
				// Contributor on the subscription (not on a registry:
				// not AKS-211's, as from files), AcrPush on a registry
				// of another resource group, and through a group AcrPush
				// on the scanned registry.
				assignment(acrID, "11111111-0000-4000-8000-000000000001", kubelet, sp, acrPull),
				assignment(subID, "11111111-0000-4000-8000-000000000002", kubelet, sp, contributor),
				assignment(shared, "11111111-0000-4000-8000-000000000003", kubelet, sp, acrPush),
				assignment(acrID, "11111111-0000-4000-8000-000000000004", nodes, group, acrPush),
				// On the registry: Owner for a person (ACR-212), push
				// for the pipeline (fine), a custom role twice.
				assignment(acrID, "22222222-0000-4000-8000-000000000001", alice, user, owner),
				assignment(acrID, "22222222-0000-4000-8000-000000000002", ci, sp, acrPush),
				assignment(acrID, "22222222-0000-4000-8000-000000000003", carol, user, janitor),
				assignment(acrID, "22222222-0000-4000-8000-000000000004", ci, sp, janitor),
				// Inherited from the resource group: not on the registry
				// itself, so not ACR-212's (as from files).
				assignment(rgID, "33333333-0000-4000-8000-000000000001", bob, user, acrPush),
				// Someone else entirely.
				assignment(subID, "33333333-0000-4000-8000-000000000002", carol, user, owner),
			},
			Definitions: []*armauthorization.RoleDefinition{{
				ID: to.Ptr(janitor), Name: to.Ptr(filepath.Base(janitor)),
				Properties: &armauthorization.RoleDefinitionProperties{RoleName: to.Ptr("Registry Janitor"), RoleType: to.Ptr("CustomRole")},
			}},
			Groups: map[string][]string{kubelet: {nodes}},
		},
	}
}

func scanLive(t *testing.T, s *azuretest.Subscription) *report.Report {
	t.Helper()
	rep, err := scan.AKS(t.Context(), scan.AKSOptions{
		Options: scan.Options{Now: day},
		Live:    &azure.LiveOptions{Subscription: sub, ResourceGroup: "rg-billing-prod", Credential: azuretest.Credential(), ClientOptions: s.ClientOptions()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findings(rep *report.Report, id string) []report.Finding {
	var out []report.Finding
	for _, f := range rep.Findings {
		if f.CheckID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestLiveRoleAssignments(t *testing.T) {
	s := subscription(t)
	s.Authorization.PageSize = 2 // several pages for each list
	rep := scanLive(t, s)
	st := azuretest.States(rep)
	if st["AKS-211"] != "fail" || st["ACR-212"] != "fail" {
		t.Fatalf("AKS-211 %s, ACR-212 %s; warnings %v", st["AKS-211"], st["ACR-212"], rep.Warnings)
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w, "role") {
			t.Errorf("warning: %s", w)
		}
	}

	// AKS-211: AcrPush through the group on the scanned registry, AcrPush
	// on the other resource group's registry; not AcrPull, not
	// Contributor on the subscription. Each located at its assignment.
	got := map[string]string{}
	for _, f := range findings(rep, "AKS-211") {
		got[f.Location.Resource] = f.Message
		if f.Subject.Name != aksID || f.Evidence != "AcrPush" || !strings.HasPrefix(f.Field, aksmodel.GapRoleAssignments+"[") {
			t.Errorf("AKS-211 finding: %+v", f)
		}
	}
	want := map[string]string{
		acrID + "/providers/Microsoft.Authorization/roleAssignments/11111111-0000-4000-8000-000000000004":  "holds AcrPush on registry acrbillingprod",
		shared + "/providers/Microsoft.Authorization/roleAssignments/11111111-0000-4000-8000-000000000003": "holds AcrPush on registry acrshared",
	}
	if len(got) != len(want) {
		t.Errorf("AKS-211 findings: %v", got)
	}
	for loc, msg := range want {
		if !strings.Contains(got[loc], msg) {
			t.Errorf("AKS-211 at %s: %q, want %q", loc, got[loc], msg)
		}
	}

	// ACR-212: Owner for a person on the registry; not the pipeline's
	// push, not the custom role, not push inherited from the group.
	acr := findings(rep, "ACR-212")
	if len(acr) != 1 || acr[0].Location.Resource != acrID+"/providers/Microsoft.Authorization/roleAssignments/22222222-0000-4000-8000-000000000001" ||
		!strings.Contains(acr[0].Message, "user "+alice+" holds Owner") {
		t.Errorf("ACR-212 findings: %+v", acr)
	}

	// The filters asked for, and one definition read for the custom role
	// assigned twice.
	a := s.Authorization
	if !slices.Contains(a.Filters, "assignedTo('"+kubelet+"')") || !slices.Contains(a.Filters, acrID+" atScope()") || len(a.Filters) != 2 {
		t.Errorf("filters: %q", a.Filters)
	}
	if len(a.DefinitionReads) != 1 || !strings.EqualFold(a.DefinitionReads[0], janitor) {
		t.Errorf("role definition reads: %q", a.DefinitionReads)
	}
}

// What a live scan reads is judged as the same assignments in `az role
// assignment list` output beside the cluster and registry documents.
func TestLiveRoleAssignmentsAsFiles(t *testing.T) {
	s := subscription(t)
	// Files carry no group membership: compare direct assignments.
	s.Authorization.Groups = nil
	live := scanLive(t, s)

	dir := t.TempDir()
	write := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"aks.json", "acr.json"} {
		b, err := os.ReadFile(filepath.Join("../testdata/live", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// az role assignment list output: flat, with roleDefinitionName.
	az := func(keep func(*armauthorization.RoleAssignment) bool) []map[string]any {
		var out []map[string]any
		for _, ra := range s.Authorization.Assignments {
			if !keep(ra) {
				continue
			}
			p := ra.Properties
			name := map[string]string{acrPull: "AcrPull", acrPush: "AcrPush", owner: "Owner", contributor: "Contributor", janitor: "Registry Janitor"}[*p.RoleDefinitionID]
			out = append(out, map[string]any{"id": *ra.ID, "name": *ra.Name, "type": "Microsoft.Authorization/roleAssignments",
				"principalId": *p.PrincipalID, "principalType": string(*p.PrincipalType), "roleDefinitionId": *p.RoleDefinitionID,
				"roleDefinitionName": name, "scope": *p.Scope})
		}
		return out
	}
	write("kubelet-roles.json", az(func(ra *armauthorization.RoleAssignment) bool { return *ra.Properties.PrincipalID == kubelet }))
	write("acr-roles.json", az(func(ra *armauthorization.RoleAssignment) bool { return *ra.Properties.Scope == acrID }))
	files, err := scan.AKS(t.Context(), scan.AKSOptions{Options: scan.Options{Now: day}, Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"AKS-211", "ACR-212"} {
		summary := func(rep *report.Report) []string {
			var out []string
			for _, f := range findings(rep, id) {
				out = append(out, f.Field+" "+f.Evidence+" "+f.Message)
			}
			slices.Sort(out)
			return out
		}
		l, f := summary(live), summary(files)
		if len(l) == 0 || !slices.Equal(l, f) {
			t.Errorf("%s live:\n%s\nfiles:\n%s", id, strings.Join(l, "\n"), strings.Join(f, "\n"))
		}
	}
}

func TestLiveRoleAssignmentsDenied(t *testing.T) {
	const reason = "reading role assignments failed: 403 AuthorizationFailed; the scanning identity needs Microsoft.Authorization/roleAssignments/read"
	for name, deny := range map[string]func(*azuretest.Authorization){
		"whole list":  func(a *azuretest.Authorization) { a.DenyFromPage = 1 },
		"second page": func(a *azuretest.Authorization) { a.PageSize, a.DenyFromPage = 1, 2 },
	} {
		t.Run(name, func(t *testing.T) {
			s := subscription(t)
			deny(s.Authorization)
			rep := scanLive(t, s)
			st := azuretest.States(rep)
			if st["AKS-211"] != "na" || st["ACR-212"] != "na" {
				t.Errorf("AKS-211 %s, ACR-212 %s: a denied read is not assessed, never a pass", st["AKS-211"], st["ACR-212"])
			}
			for _, kind := range []string{aksmodel.KindCluster, aksmodel.KindRegistry} {
				if !slices.ContainsFunc(rep.Warnings, func(w string) bool {
					return strings.HasPrefix(w, kind+" ") && strings.Contains(w, "not assessed: roleAssignments: "+reason)
				}) {
					t.Errorf("no %s warning with %q in %v", kind, reason, rep.Warnings)
				}
			}
		})
	}
	t.Run("not served", func(t *testing.T) {
		s := subscription(t)
		s.Authorization = nil
		st := azuretest.States(scanLive(t, s))
		if st["AKS-211"] != "na" || st["ACR-212"] != "na" {
			t.Errorf("AKS-211 %s, ACR-212 %s", st["AKS-211"], st["ACR-212"])
		}
	})
	t.Run("role definitions", func(t *testing.T) {
		// The custom role's name cannot be read: the registry's
		// assignments are not assessed; the cluster's (built-in roles
		// only) are.
		s := subscription(t)
		s.Authorization.DenyDefinitions = true
		rep := scanLive(t, s)
		st := azuretest.States(rep)
		if st["AKS-211"] != "fail" || st["ACR-212"] != "na" {
			t.Errorf("AKS-211 %s, ACR-212 %s", st["AKS-211"], st["ACR-212"])
		}
		if !slices.ContainsFunc(rep.Warnings, func(w string) bool {
			return strings.Contains(w, "reading role definition "+janitor) && strings.Contains(w, "403 AuthorizationFailed; the scanning identity needs Microsoft.Authorization/roleDefinitions/read")
		}) {
			t.Errorf("warnings: %v", rep.Warnings)
		}
	})
}

// Lists come in pages; every page is read.
func TestLiveRoleAssignmentPages(t *testing.T) {
	s := subscription(t)
	s.Authorization.PageSize = 1
	s.Authorization.Assignments = s.Authorization.Assignments[:2] // the kubelet's AcrPull and Contributor: 2 pages
	res, err := azure.Live(t.Context(), azure.LiveOptions{Subscription: sub, ResourceGroup: "rg-billing-prod", Credential: azuretest.Credential(), ClientOptions: s.ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	var c *aksmodel.Cluster
	for _, o := range res.Objects {
		if cl, ok := o.Typed.(*aksmodel.Cluster); ok {
			c = cl
		}
	}
	if c == nil {
		t.Fatal("no cluster")
	}
	var roles []string
	for _, ra := range c.KubeletRoleAssignments {
		roles = append(roles, ra.Role+"@"+ra.Scope)
	}
	if strings.Join(roles, ",") != "AcrPull@"+acrID+",Contributor@"+subID || c.Gaps[aksmodel.GapRoleAssignments] != "" {
		t.Errorf("kubelet role assignments over 2 pages: %v, gaps %v", roles, c.Gaps)
	}
}

func TestLiveNoKubeletIdentity(t *testing.T) {
	s := subscription(t)
	s.Clusters[0].Properties.IdentityProfile = nil
	rep := scanLive(t, s)
	if st := azuretest.States(rep); st["AKS-211"] != "na" || st["ACR-212"] != "fail" {
		t.Errorf("AKS-211 %s, ACR-212 %s", st["AKS-211"], st["ACR-212"])
	}
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "has no kubelet managed identity") }) {
		t.Errorf("warnings: %v", rep.Warnings)
	}
}
