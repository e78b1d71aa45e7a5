// Package azuretest serves an Azure subscription from memory through the
// Azure SDK's own fake servers (armcontainerservice/v6/fake,
// armcontainerregistry/fake, armmonitor/fake), so that live scans are
// tested end to end without a network or credentials.
package azuretest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	crfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	csfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	monfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor/fake"
)

// Subscription is what the fake serves.
type Subscription struct {
	Clusters   []*armcontainerservice.ManagedCluster
	Registries []*armcontainerregistry.Registry
	// Diagnostics are the diagnostic settings per resource id (lower case).
	Diagnostics map[string][]*armmonitor.DiagnosticSettingsResource
	// Maintenance are maintenance configurations per cluster name.
	Maintenance map[string][]*armcontainerservice.MaintenanceConfiguration
	// Versions are the Kubernetes versions every region offers.
	Versions []*armcontainerservice.KubernetesVersion
	// Tokens, Webhooks (with their service URIs) and CacheRules per
	// registry name.
	Tokens     map[string][]*armcontainerregistry.Token
	Webhooks   map[string][]*armcontainerregistry.Webhook
	WebhookURI map[string]string
	CacheRules map[string][]*armcontainerregistry.CacheRule
	// DenyDiagnostics makes diagnostic settings reads fail with 403.
	DenyDiagnostics bool
}

// ClientOptions route every SDK client to the fakes.
func (s *Subscription) ClientOptions() *arm.ClientOptions {
	return &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: &router{
		cs:  csfake.NewServerFactoryTransport(s.containerService()),
		cr:  crfake.NewServerFactoryTransport(s.containerRegistry()),
		mon: monfake.NewDiagnosticSettingsServerTransport(s.monitor()),
	}}}
}

// Credential is the SDK's fake token credential.
func Credential() azcore.TokenCredential { return &azfake.TokenCredential{} }

// router sends each request to the fake of the service it is for.
type router struct {
	cs  *csfake.ServerFactoryTransport
	cr  *crfake.ServerFactoryTransport
	mon *monfake.DiagnosticSettingsServerTransport
}

func (r *router) Do(req *http.Request) (*http.Response, error) {
	p := strings.ToLower(req.URL.Path)
	switch {
	case strings.Contains(p, "/providers/microsoft.insights/diagnosticsettings"):
		return r.mon.Do(req)
	case strings.Contains(p, "/providers/microsoft.containerservice/"):
		return r.cs.Do(req)
	case strings.Contains(p, "/providers/microsoft.containerregistry/"):
		return r.cr.Do(req)
	}
	return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Request: req}, nil
}

func inGroup(id, rg string) bool {
	return strings.Contains(strings.ToLower(id), "/resourcegroups/"+strings.ToLower(rg)+"/")
}

func (s *Subscription) containerService() *csfake.ServerFactory {
	return &csfake.ServerFactory{
		ManagedClustersServer: csfake.ManagedClustersServer{
			Get: func(_ context.Context, rg, name string, _ *armcontainerservice.ManagedClustersClientGetOptions) (resp azfake.Responder[armcontainerservice.ManagedClustersClientGetResponse], errResp azfake.ErrorResponder) {
				for _, c := range s.Clusters {
					if inGroup(*c.ID, rg) && strings.EqualFold(*c.Name, name) {
						resp.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientGetResponse{ManagedCluster: *c}, nil)
						return
					}
				}
				errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			},
			NewListPager: func(*armcontainerservice.ManagedClustersClientListOptions) (resp azfake.PagerResponder[armcontainerservice.ManagedClustersClientListResponse]) {
				// One page per cluster, to exercise paging.
				for _, c := range s.Clusters {
					resp.AddPage(http.StatusOK, armcontainerservice.ManagedClustersClientListResponse{ManagedClusterListResult: armcontainerservice.ManagedClusterListResult{Value: []*armcontainerservice.ManagedCluster{c}}}, nil)
				}
				return
			},
			NewListByResourceGroupPager: func(rg string, _ *armcontainerservice.ManagedClustersClientListByResourceGroupOptions) (resp azfake.PagerResponder[armcontainerservice.ManagedClustersClientListByResourceGroupResponse]) {
				var v []*armcontainerservice.ManagedCluster
				for _, c := range s.Clusters {
					if inGroup(*c.ID, rg) {
						v = append(v, c)
					}
				}
				resp.AddPage(http.StatusOK, armcontainerservice.ManagedClustersClientListByResourceGroupResponse{ManagedClusterListResult: armcontainerservice.ManagedClusterListResult{Value: v}}, nil)
				return
			},
			ListKubernetesVersions: func(_ context.Context, _ string, _ *armcontainerservice.ManagedClustersClientListKubernetesVersionsOptions) (resp azfake.Responder[armcontainerservice.ManagedClustersClientListKubernetesVersionsResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientListKubernetesVersionsResponse{KubernetesVersionListResult: armcontainerservice.KubernetesVersionListResult{Values: s.Versions}}, nil)
				return
			},
		},
		MaintenanceConfigurationsServer: csfake.MaintenanceConfigurationsServer{
			NewListByManagedClusterPager: func(_, name string, _ *armcontainerservice.MaintenanceConfigurationsClientListByManagedClusterOptions) (resp azfake.PagerResponder[armcontainerservice.MaintenanceConfigurationsClientListByManagedClusterResponse]) {
				resp.AddPage(http.StatusOK, armcontainerservice.MaintenanceConfigurationsClientListByManagedClusterResponse{MaintenanceConfigurationListResult: armcontainerservice.MaintenanceConfigurationListResult{Value: s.Maintenance[name]}}, nil)
				return
			},
		},
	}
}

func (s *Subscription) containerRegistry() *crfake.ServerFactory {
	return &crfake.ServerFactory{
		RegistriesServer: crfake.RegistriesServer{
			NewListPager: func(*armcontainerregistry.RegistriesClientListOptions) (resp azfake.PagerResponder[armcontainerregistry.RegistriesClientListResponse]) {
				resp.AddPage(http.StatusOK, armcontainerregistry.RegistriesClientListResponse{RegistryListResult: armcontainerregistry.RegistryListResult{Value: s.Registries}}, nil)
				return
			},
			NewListByResourceGroupPager: func(rg string, _ *armcontainerregistry.RegistriesClientListByResourceGroupOptions) (resp azfake.PagerResponder[armcontainerregistry.RegistriesClientListByResourceGroupResponse]) {
				var v []*armcontainerregistry.Registry
				for _, r := range s.Registries {
					if inGroup(*r.ID, rg) {
						v = append(v, r)
					}
				}
				resp.AddPage(http.StatusOK, armcontainerregistry.RegistriesClientListByResourceGroupResponse{RegistryListResult: armcontainerregistry.RegistryListResult{Value: v}}, nil)
				return
			},
		},
		TokensServer: crfake.TokensServer{
			NewListPager: func(_, name string, _ *armcontainerregistry.TokensClientListOptions) (resp azfake.PagerResponder[armcontainerregistry.TokensClientListResponse]) {
				resp.AddPage(http.StatusOK, armcontainerregistry.TokensClientListResponse{TokenListResult: armcontainerregistry.TokenListResult{Value: s.Tokens[name]}}, nil)
				return
			},
		},
		WebhooksServer: crfake.WebhooksServer{
			NewListPager: func(_, name string, _ *armcontainerregistry.WebhooksClientListOptions) (resp azfake.PagerResponder[armcontainerregistry.WebhooksClientListResponse]) {
				resp.AddPage(http.StatusOK, armcontainerregistry.WebhooksClientListResponse{WebhookListResult: armcontainerregistry.WebhookListResult{Value: s.Webhooks[name]}}, nil)
				return
			},
			GetCallbackConfig: func(_ context.Context, _, _, webhook string, _ *armcontainerregistry.WebhooksClientGetCallbackConfigOptions) (resp azfake.Responder[armcontainerregistry.WebhooksClientGetCallbackConfigResponse], errResp azfake.ErrorResponder) {
				uri := s.WebhookURI[webhook]
				resp.SetResponse(http.StatusOK, armcontainerregistry.WebhooksClientGetCallbackConfigResponse{CallbackConfig: armcontainerregistry.CallbackConfig{ServiceURI: &uri}}, nil)
				return
			},
		},
		CacheRulesServer: crfake.CacheRulesServer{
			NewListPager: func(_, name string, _ *armcontainerregistry.CacheRulesClientListOptions) (resp azfake.PagerResponder[armcontainerregistry.CacheRulesClientListResponse]) {
				resp.AddPage(http.StatusOK, armcontainerregistry.CacheRulesClientListResponse{CacheRulesListResult: armcontainerregistry.CacheRulesListResult{Value: s.CacheRules[name]}}, nil)
				return
			},
		},
		ReplicationsServer: crfake.ReplicationsServer{
			NewListPager: func(_, _ string, _ *armcontainerregistry.ReplicationsClientListOptions) (resp azfake.PagerResponder[armcontainerregistry.ReplicationsClientListResponse]) {
				resp.AddPage(http.StatusOK, armcontainerregistry.ReplicationsClientListResponse{}, nil)
				return
			},
		},
	}
}

func (s *Subscription) monitor() *monfake.DiagnosticSettingsServer {
	return &monfake.DiagnosticSettingsServer{
		NewListPager: func(resourceURI string, _ *armmonitor.DiagnosticSettingsClientListOptions) (resp azfake.PagerResponder[armmonitor.DiagnosticSettingsClientListResponse]) {
			if s.DenyDiagnostics {
				resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
				return
			}
			key := strings.ToLower("/" + strings.TrimPrefix(resourceURI, "/"))
			resp.AddPage(http.StatusOK, armmonitor.DiagnosticSettingsClientListResponse{DiagnosticSettingsResourceCollection: armmonitor.DiagnosticSettingsResourceCollection{Value: s.Diagnostics[key]}}, nil)
			return
		},
	}
}

// Decode reads an SDK model from an ARM GET JSON file, as the API would
// return it.
func Decode[T any](t testing.TB, file string) *T {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}
