package live_test

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

const (
	liveSub     = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
	liveCluster = "/subscriptions/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a/resourceGroups/rg-billing-prod/providers/Microsoft.ContainerService/managedClusters/aks-billing-prod"
	liveACR     = "/subscriptions/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a/resourceGroups/rg-billing-prod/providers/Microsoft.ContainerRegistry/registries/acrbillingprod"
	// liveKubelet is the kubelet identity's object id in ../testdata/live/aks.json.
	liveKubelet = "a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d"
	acrPullRole = "/subscriptions/" + liveSub + "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
)

func fakeSubscription(t *testing.T) *azuretest.Subscription {
	mc := azuretest.Decode[armcontainerservice.ManagedCluster](t, "../testdata/live/aks.json")
	acr := azuretest.Decode[armcontainerregistry.Registry](t, "../testdata/live/acr.json")
	law := "/subscriptions/" + liveSub + "/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-billing"
	window := func(name string) *armcontainerservice.MaintenanceConfiguration {
		return &armcontainerservice.MaintenanceConfiguration{ID: to.Ptr(liveCluster + "/maintenanceConfigurations/" + name), Name: to.Ptr(name)}
	}
	version := func(v string, plans ...armcontainerservice.KubernetesSupportPlan) *armcontainerservice.KubernetesVersion {
		kv := &armcontainerservice.KubernetesVersion{Version: to.Ptr(v), Capabilities: &armcontainerservice.KubernetesVersionCapabilities{}}
		for _, p := range plans {
			kv.Capabilities.SupportPlan = append(kv.Capabilities.SupportPlan, to.Ptr(p))
		}
		return kv
	}
	official, lts := armcontainerservice.KubernetesSupportPlanKubernetesOfficial, armcontainerservice.KubernetesSupportPlanAKSLongTermSupport
	return &azuretest.Subscription{
		Clusters:   []*armcontainerservice.ManagedCluster{mc},
		Registries: []*armcontainerregistry.Registry{acr},
		Diagnostics: map[string][]*armmonitor.DiagnosticSettingsResource{
			strings.ToLower(liveCluster): {{
				ID:   to.Ptr(liveCluster + "/providers/microsoft.insights/diagnosticSettings/audit"),
				Name: to.Ptr("audit"),
				Properties: &armmonitor.DiagnosticSettings{WorkspaceID: to.Ptr(law), Logs: []*armmonitor.LogSettings{
					{Category: to.Ptr("kube-audit-admin"), Enabled: to.Ptr(true)},
				}},
			}},
		},
		Maintenance: map[string][]*armcontainerservice.MaintenanceConfiguration{"aks-billing-prod": {window("aksManagedAutoUpgradeSchedule")}},
		Versions:    []*armcontainerservice.KubernetesVersion{version("1.34", official, lts), version("1.35", official, lts), version("1.36", official, lts), version("1.32", lts), version("1.33", lts)},
		Tokens:      map[string][]*armcontainerregistry.Token{"acrbillingprod": {{ID: to.Ptr(liveACR + "/tokens/ci"), Name: to.Ptr("ci"), Properties: &armcontainerregistry.TokenProperties{Status: to.Ptr(armcontainerregistry.TokenStatusEnabled)}}}},
		Webhooks:    map[string][]*armcontainerregistry.Webhook{"acrbillingprod": {{ID: to.Ptr(liveACR + "/webhooks/deploy"), Name: to.Ptr("deploy"), Properties: &armcontainerregistry.WebhookProperties{Status: to.Ptr(armcontainerregistry.WebhookStatusEnabled)}}}},
		WebhookURI:  map[string]string{"deploy": "http://deploy.billing.internal/hook?token=s3cr3t"},
		// az aks update --attach-acr: AcrPull for the kubelet identity.
		Authorization: &azuretest.Authorization{Assignments: []*armauthorization.RoleAssignment{
			azuretest.RoleAssignment(liveACR, "0b6a1f3e-5c2d-4e8f-9a7b-3c4d5e6f7a8b", liveKubelet, armauthorization.PrincipalTypeServicePrincipal, acrPullRole),
		}},
	}
}

func TestLive(t *testing.T) {
	sub := fakeSubscription(t)
	res, err := azure.Live(t.Context(), azure.LiveOptions{Subscription: liveSub, ResourceGroup: "rg-billing-prod", Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Warnings) > 0 {
		t.Fatalf("errors %v warnings %v", res.Errors, res.Warnings)
	}
	c := loadtest.Clusters(res)[0]
	if c.ID != liveCluster || len(c.Pools) != 2 || len(c.Diagnostics) != 1 || strings.Join(c.MaintenanceConfigurations, ",") != "aksManagedAutoUpgradeSchedule" {
		t.Errorf("cluster: id %s pools %d diagnostics %d maintenance %v", c.ID, len(c.Pools), len(c.Diagnostics), c.MaintenanceConfigurations)
	}
	if c.Gaps[aksmodel.GapRoleAssignments] != "" || c.Gaps["properties.networkProfile.podLinkLocalAccess"] == "" {
		t.Errorf("live gaps: %v", c.Gaps)
	}
	if len(c.KubeletRoleAssignments) != 1 || c.KubeletRoleAssignments[0].Role != "AcrPull" || c.KubeletRoleAssignments[0].Scope != liveACR {
		t.Errorf("kubelet role assignments: %+v", c.KubeletRoleAssignments)
	}
	offered := res.Offered["northeurope"]
	if len(offered) != 5 || len(offered["1.33"].Plans) != 1 {
		t.Errorf("offered versions: %+v", offered)
	}
	// Live findings point at the ARM id: the pool's own for pool fields.
	o := loadtest.Object(t, res, aksmodel.KindCluster)
	if loc := o.Locate("properties.agentPoolProfiles[1].osSKU"); loc.Resource != liveCluster+"/agentPools/win19" || loc.File != "" {
		t.Errorf("pool location: %+v", loc)
	}
	if loc := o.Locate("properties.disableLocalAccounts"); loc.Resource != liveCluster {
		t.Errorf("cluster location: %+v", loc)
	}
	g := loadtest.Registries(res)[0]
	if g.ID != liveACR || len(g.Tokens) != 1 || len(g.Webhooks) != 1 || g.Webhooks[0].ServiceURI == "" || g.Diagnostics == nil || len(g.Diagnostics) != 0 {
		t.Errorf("registry: %+v", g)
	}
	// The kubelet's AcrPull is read twice (for the identity and for the
	// registry) and linked once.
	if len(g.RoleAssignments) != 1 || g.RoleAssignments[0].Role != "AcrPull" || g.RoleAssignments[0].PrincipalID != liveKubelet || g.Gaps[aksmodel.GapRoleAssignments] != "" {
		t.Errorf("registry role assignments: %+v, gaps %v", g.RoleAssignments, g.Gaps)
	}
}

func TestLiveOneClusterAndDeniedReads(t *testing.T) {
	sub := fakeSubscription(t)
	sub.DenyDiagnostics = true
	res, err := azure.Live(t.Context(), azure.LiveOptions{Subscription: liveSub, ResourceGroup: "rg-billing-prod", Name: "aks-billing-prod", Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	c := loadtest.Clusters(res)[0]
	if r := c.Gaps[aksmodel.GapDiagnostics]; !strings.Contains(r, "403") {
		t.Errorf("a denied read is a gap with its reason: %q", r)
	}
	// Listing the whole subscription pages through every cluster.
	if res, err = azure.Live(t.Context(), azure.LiveOptions{Subscription: liveSub, Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()}); err != nil || len(loadtest.Clusters(res)) != 1 {
		t.Errorf("subscription scan: %v, %d clusters", err, len(loadtest.Clusters(res)))
	}
	// A cluster that does not exist is an error, not an empty pass.
	if _, err := azure.Live(t.Context(), azure.LiveOptions{Subscription: liveSub, ResourceGroup: "rg-billing-prod", Name: "nope", Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing cluster: %v", err)
	}
}
