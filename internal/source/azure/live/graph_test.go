package live_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

// TestFindClusters pages through Azure Resource Graph's answer (two rows a
// page) and narrows it to a resource group.
func TestFindClusters(t *testing.T) {
	sub := fakeSubscription(t)
	base := sub.Clusters[0]
	sub.Clusters = nil
	for _, n := range []string{"aks-e", "aks-d", "aks-c", "aks-b"} {
		sub.Clusters = append(sub.Clusters, azuretest.Renamed(base, liveSub, "rg-shop", n))
	}
	other := "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"
	sub.Clusters = append(sub.Clusters, azuretest.Renamed(base, other, "rg-shop", "aks-elsewhere"))
	sub.Graph = &azuretest.Graph{PageSize: 2, Unreadable: []*armcontainerservice.ManagedCluster{azuretest.Renamed(base, liveSub, "rg-gone", "aks-a")}}
	find := func(rg string, subs ...string) []string {
		t.Helper()
		refs, err := azure.FindClusters(t.Context(), azure.FindOptions{Subscriptions: subs, ResourceGroup: rg, Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range refs {
			if r.Subscription == "" || r.Location != "northeurope" || !strings.HasSuffix(r.ID, "/"+r.Name) {
				t.Errorf("row %+v", r)
			}
			out = append(out, r.ResourceGroup+"/"+r.Name)
		}
		return out
	}
	// The fake answers in its own order; Resource Graph's order by id is
	// asked for, and the rows come back in the order they were served.
	got := find("", liveSub)
	slices.Sort(got)
	if want := []string{"rg-gone/aks-a", "rg-shop/aks-b", "rg-shop/aks-c", "rg-shop/aks-d", "rg-shop/aks-e"}; !slices.Equal(got, want) {
		t.Errorf("subscription: %v, want %v", got, want)
	}
	if n := len(sub.Graph.Queries); n != 3 {
		t.Errorf("%d queries for 5 rows at 2 a page, want 3: %q", n, sub.Graph.Queries)
	}
	if q := sub.Graph.Queries[0]; !strings.Contains(q, "order by id asc") || strings.Contains(q, "resourceGroup =~") {
		t.Errorf("query %q", q)
	}
	if got := find("RG-GONE", liveSub); !slices.Equal(got, []string{"rg-gone/aks-a"}) {
		t.Errorf("resource group: %v", got)
	}
	if got := find("", liveSub, other); len(got) != 6 {
		t.Errorf("two subscriptions: %v", got)
	}
}

func TestFindClustersRefuses(t *testing.T) {
	sub := fakeSubscription(t)
	opt := azure.FindOptions{Subscriptions: []string{liveSub}, Credential: azuretest.Credential(), ClientOptions: sub.ClientOptions()}
	// Without Resource Graph (the fake answers 404) there is no list.
	if _, err := azure.FindClusters(t.Context(), opt); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("no Resource Graph: %v", err)
	}
	sub.Graph = &azuretest.Graph{}
	opt.ClientOptions = sub.ClientOptions()
	opt.ResourceGroup = "rg' or 1==1 //"
	if _, err := azure.FindClusters(t.Context(), opt); err == nil || !strings.Contains(err.Error(), "not a resource group name") || len(sub.Graph.Queries) != 0 {
		t.Errorf("hostile resource group: %v, queries %q", err, sub.Graph.Queries)
	}
}
