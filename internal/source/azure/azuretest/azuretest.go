// Package azuretest serves an Azure subscription from memory through the
// Azure SDK's own fake servers (armcontainerservice/v6/fake,
// armcontainerregistry/fake, armmonitor/fake, armauthorization/v2/fake),
// so that live scans are tested end to end without a network or
// credentials.
package azuretest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	authfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	crfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	csfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	monfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
	graphfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph/fake"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/report"
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
	// DenyClusters makes reading these clusters (by name) fail with 403
	// AuthorizationFailed; HangClusters makes it wait until the request
	// is given up.
	DenyClusters, HangClusters map[string]bool
	// Graph, when set, serves Azure Resource Graph queries.
	Graph *Graph

	mu sync.Mutex
	// gets counts the cluster reads in flight; PeakGets is the most at
	// once.
	gets, PeakGets int
	// Authorization serves role assignments and role definitions; nil
	// leaves the authorization API unserved (404), so role assignment
	// reads fail.
	Authorization *Authorization
}

// Authorization is what the authorization fake serves.
type Authorization struct {
	// Assignments are the role assignments at every scope of the
	// subscription and above it (management groups, "/").
	Assignments []*armauthorization.RoleAssignment
	// Definitions are the role definitions GetByID serves, matched by
	// id without regard to case.
	Definitions []*armauthorization.RoleDefinition
	// Groups lists, per principal, the groups it is a member of;
	// assignedTo() includes their assignments.
	Groups map[string][]string
	// PageSize splits role assignment lists into pages of that many; 0
	// is one page.
	PageSize int
	// DenyFromPage makes role assignment lists fail with 403
	// AuthorizationFailed from that page on (1: the whole list); 0 never.
	DenyFromPage int
	// DenyDefinitions makes role definition reads fail with 403.
	DenyDefinitions bool

	mu sync.Mutex
	// Filters are the $filter values of the role assignment lists, in
	// order ("<scope> <filter>"); DefinitionReads the ids GetByID was
	// asked for.
	Filters, DefinitionReads []string
}

// ClientOptions route every SDK client to the fakes.
func (s *Subscription) ClientOptions() *arm.ClientOptions {
	r := &router{
		s:   s,
		cs:  csfake.NewServerFactoryTransport(s.containerService()),
		cr:  crfake.NewServerFactoryTransport(s.containerRegistry()),
		mon: monfake.NewDiagnosticSettingsServerTransport(s.monitor()),
	}
	if s.Graph != nil {
		r.graph = graphfake.NewServerTransport(s.Graph.server(s))
	}
	if s.Authorization != nil {
		r.auth = authfake.NewServerFactoryTransport(s.Authorization.server())
	}
	return &arm.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: r}}
}

// Credential is the SDK's fake token credential.
func Credential() azcore.TokenCredential { return &azfake.TokenCredential{} }

// router sends each request to the fake of the service it is for, one at
// a time: the SDK's fakes keep the state of a paged list by its URL, which
// requests of concurrent reads of the same list (a fleet's clusters
// listing the same role assignments) would share.
type router struct {
	s   *Subscription
	mu  sync.Mutex
	cs  *csfake.ServerFactoryTransport
	cr  *crfake.ServerFactoryTransport
	mon *monfake.DiagnosticSettingsServerTransport
	// auth is nil when the subscription does not serve authorization.
	auth *authfake.ServerFactoryTransport
	// graph is nil when the subscription does not serve Resource Graph.
	graph *graphfake.ServerTransport
}

// clusterGet matches the path of a request for one cluster.
var clusterGet = regexp.MustCompile(`^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.containerservice/managedclusters/([^/]+)$`)

func (r *router) Do(req *http.Request) (*http.Response, error) {
	p := strings.ToLower(req.URL.Path)
	if m := clusterGet.FindStringSubmatch(p); m != nil && req.Method == http.MethodGet {
		// Counted as they come, before they wait their turn.
		r.s.mu.Lock()
		r.s.gets++
		r.s.PeakGets = max(r.s.PeakGets, r.s.gets)
		r.s.mu.Unlock()
		defer func() {
			r.s.mu.Lock()
			r.s.gets--
			r.s.mu.Unlock()
		}()
		for name := range r.s.HangClusters {
			if strings.EqualFold(name, m[1]) {
				<-req.Context().Done()
				return nil, req.Context().Err()
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	// Before the others: role assignments on a registry are below its id.
	case strings.Contains(p, "/providers/microsoft.authorization/"):
		if r.auth == nil {
			break
		}
		return r.auth.Do(req)
	case strings.HasPrefix(p, "/providers/microsoft.resourcegraph/"):
		if r.graph == nil {
			break
		}
		return r.graph.Do(req)
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
				if s.DenyClusters[name] {
					errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
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

func (a *Authorization) server() *authfake.ServerFactory {
	return &authfake.ServerFactory{
		RoleAssignmentsServer: authfake.RoleAssignmentsServer{
			NewListForSubscriptionPager: func(o *armauthorization.RoleAssignmentsClientListForSubscriptionOptions) (resp azfake.PagerResponder[armauthorization.RoleAssignmentsClientListForSubscriptionResponse]) {
				var filter *string
				if o != nil {
					filter = o.Filter
				}
				list, ok := a.list("", filter)
				if !ok {
					resp.AddResponseError(http.StatusBadRequest, "InvalidFilter")
					return
				}
				a.pages(list, func(v []*armauthorization.RoleAssignment) {
					resp.AddPage(http.StatusOK, armauthorization.RoleAssignmentsClientListForSubscriptionResponse{RoleAssignmentListResult: armauthorization.RoleAssignmentListResult{Value: v}}, nil)
				}, func() { resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed") })
				return
			},
			NewListForScopePager: func(scope string, o *armauthorization.RoleAssignmentsClientListForScopeOptions) (resp azfake.PagerResponder[armauthorization.RoleAssignmentsClientListForScopeResponse]) {
				var filter *string
				if o != nil {
					filter = o.Filter
				}
				list, ok := a.list("/"+strings.TrimPrefix(scope, "/"), filter)
				if !ok {
					resp.AddResponseError(http.StatusBadRequest, "InvalidFilter")
					return
				}
				a.pages(list, func(v []*armauthorization.RoleAssignment) {
					resp.AddPage(http.StatusOK, armauthorization.RoleAssignmentsClientListForScopeResponse{RoleAssignmentListResult: armauthorization.RoleAssignmentListResult{Value: v}}, nil)
				}, func() { resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed") })
				return
			},
		},
		RoleDefinitionsServer: authfake.RoleDefinitionsServer{
			GetByID: func(_ context.Context, roleID string, _ *armauthorization.RoleDefinitionsClientGetByIDOptions) (resp azfake.Responder[armauthorization.RoleDefinitionsClientGetByIDResponse], errResp azfake.ErrorResponder) {
				id := "/" + strings.TrimPrefix(roleID, "/")
				a.mu.Lock()
				a.DefinitionReads = append(a.DefinitionReads, id)
				a.mu.Unlock()
				if a.DenyDefinitions {
					errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
				for _, d := range a.Definitions {
					if d.ID != nil && strings.EqualFold(*d.ID, id) {
						resp.SetResponse(http.StatusOK, armauthorization.RoleDefinitionsClientGetByIDResponse{RoleDefinition: *d}, nil)
						return
					}
				}
				errResp.SetResponseError(http.StatusNotFound, "RoleDefinitionDoesNotExist")
				return
			},
		},
	}
}

// list applies the API's filters: none (at, above and below scope),
// atScope() (at and above scope), assignedTo('<object id>') (the
// principal's and its groups' assignments, at, above and below scope).
// scope "" is the subscription. Any other filter is refused.
func (a *Authorization) list(scope string, filter *string) ([]*armauthorization.RoleAssignment, bool) {
	f := ""
	if filter != nil {
		f = *filter
	}
	a.mu.Lock()
	a.Filters = append(a.Filters, strings.TrimSpace(scope+" "+f))
	a.mu.Unlock()
	var keep func(ra *armauthorization.RoleAssignment) bool
	switch {
	case f == "":
		keep = func(ra *armauthorization.RoleAssignment) bool {
			return scope == "" || above(ra.Properties.Scope, scope) || above(&scope, *ra.Properties.Scope)
		}
	case f == "atScope()" && scope != "":
		keep = func(ra *armauthorization.RoleAssignment) bool { return above(ra.Properties.Scope, scope) }
	case strings.HasPrefix(f, "assignedTo('") && strings.HasSuffix(f, "')"):
		oid := strings.TrimSuffix(strings.TrimPrefix(f, "assignedTo('"), "')")
		principals := append([]string{oid}, a.Groups[oid]...)
		keep = func(ra *armauthorization.RoleAssignment) bool {
			in := false
			for _, p := range principals {
				in = in || strings.EqualFold(p, *ra.Properties.PrincipalID)
			}
			return in && (scope == "" || above(ra.Properties.Scope, scope) || above(&scope, *ra.Properties.Scope))
		}
	default:
		return nil, false
	}
	var out []*armauthorization.RoleAssignment
	for _, ra := range a.Assignments {
		if keep(ra) {
			out = append(out, ra)
		}
	}
	return out, true
}

// above reports whether scope a is b or an ancestor of it; management
// groups and "/" are above every subscription.
func above(a *string, b string) bool {
	s, t := strings.ToLower(strings.TrimSuffix(*a, "/")), strings.ToLower(strings.TrimSuffix(b, "/"))
	if s == "" || strings.HasPrefix(s, "/providers/microsoft.management/managementgroups/") {
		return true
	}
	return s == t || strings.HasPrefix(t, s+"/")
}

// pages hands list out in pages of PageSize, the ones from DenyFromPage
// on replaced by a 403.
func (a *Authorization) pages(list []*armauthorization.RoleAssignment, page func([]*armauthorization.RoleAssignment), deny func()) {
	size := a.PageSize
	if size <= 0 {
		size = max(len(list), 1)
	}
	n := 1
	for i := 0; i == 0 || i < len(list); i += size {
		if a.DenyFromPage > 0 && n >= a.DenyFromPage {
			deny()
			return
		}
		page(list[i:min(i+size, len(list))])
		n++
	}
}

// RoleAssignment is an assignment of role (a definition id, or a GUID
// taken as a built-in's) to principal at scope, as the API returns it.
func RoleAssignment(scope, name, principal string, typ armauthorization.PrincipalType, role string) *armauthorization.RoleAssignment {
	if !strings.Contains(role, "/") {
		role = "/providers/Microsoft.Authorization/roleDefinitions/" + role
	}
	return &armauthorization.RoleAssignment{
		ID:   to.Ptr(strings.TrimSuffix(scope, "/") + "/providers/Microsoft.Authorization/roleAssignments/" + name),
		Name: to.Ptr(name),
		Type: to.Ptr("Microsoft.Authorization/roleAssignments"),
		Properties: &armauthorization.RoleAssignmentProperties{
			PrincipalID: to.Ptr(principal), PrincipalType: to.Ptr(typ), RoleDefinitionID: to.Ptr(role), Scope: to.Ptr(scope),
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

var notAssessedRE = regexp.MustCompile(`: ((?:(?:AKS|ACR)-[0-9A-Z]+(?:, )?)+) not assessed: `)

// States gives every Azure-side check's outcome on a report: fail (a
// finding), na (not assessed, in the warnings) or pass.
func States(rep *report.Report) map[string]string {
	st := map[string]string{}
	for _, c := range check.All() {
		if c.Area == "aks" || c.Area == "acr" {
			st[c.ID] = "pass"
		}
	}
	for _, w := range rep.Warnings {
		if m := notAssessedRE.FindStringSubmatch(w); m != nil {
			for _, id := range strings.Split(m[1], ", ") {
				st[id] = "na"
			}
		}
	}
	for _, f := range rep.Findings {
		st[f.CheckID] = "fail"
	}
	return st
}

// Graph is what the Azure Resource Graph fake serves: a row per AKS
// cluster of the subscription (Clusters) and of Unreadable, in pages.
type Graph struct {
	// Unreadable are clusters Resource Graph lists that the resource
	// provider does not serve (deleted since: 404).
	Unreadable []*armcontainerservice.ManagedCluster
	// PageSize is the rows per page; 0 is one page.
	PageSize int

	mu sync.Mutex
	// Queries are the queries asked, with their subscriptions and skip
	// tokens ("<subscriptions> <skipToken> <query>").
	Queries []string
}

// groupFilter reads the resource group condition of a cluster query.
var groupFilter = regexp.MustCompile(`resourceGroup =~ '([^']*)'`)

func (g *Graph) server(s *Subscription) *graphfake.Server {
	return &graphfake.Server{
		Resources: func(_ context.Context, q armresourcegraph.QueryRequest, _ *armresourcegraph.ClientResourcesOptions) (resp azfake.Responder[armresourcegraph.ClientResourcesResponse], errResp azfake.ErrorResponder) {
			var subs []string
			for _, sub := range q.Subscriptions {
				subs = append(subs, *sub)
			}
			token := ""
			if q.Options != nil && q.Options.SkipToken != nil {
				token = *q.Options.SkipToken
			}
			g.mu.Lock()
			g.Queries = append(g.Queries, strings.Join(subs, ",")+" "+token+" "+str(q.Query))
			g.mu.Unlock()
			if !strings.Contains(str(q.Query), "microsoft.containerservice/managedclusters") {
				errResp.SetResponseError(http.StatusBadRequest, "BadRequest")
				return
			}
			var rows []any
			for _, c := range append(slices.Clone(s.Clusters), g.Unreadable...) {
				id := *c.ID
				rg := resourceGroupOf(id)
				if m := groupFilter.FindStringSubmatch(*q.Query); m != nil && !strings.EqualFold(m[1], rg) {
					continue
				}
				sub := strings.Split(id, "/")[2]
				if !slices.ContainsFunc(subs, func(s string) bool { return strings.EqualFold(s, sub) }) {
					continue
				}
				rows = append(rows, map[string]any{"id": id, "name": *c.Name, "resourceGroup": rg, "subscriptionId": sub, "location": str(c.Location)})
			}
			total := int64(len(rows))
			start, _ := strconv.Atoi(token)
			end := len(rows)
			if g.PageSize > 0 {
				end = min(start+g.PageSize, len(rows))
			}
			r := armresourcegraph.QueryResponse{Count: to.Ptr(int64(end - start)), TotalRecords: &total, Data: rows[start:end],
				ResultTruncated: to.Ptr(armresourcegraph.ResultTruncatedFalse)}
			if end < len(rows) {
				r.SkipToken = to.Ptr(strconv.Itoa(end))
			}
			resp.SetResponse(http.StatusOK, armresourcegraph.ClientResourcesResponse{QueryResponse: r}, nil)
			return
		},
	}
}

func resourceGroupOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Renamed is a copy of cluster c as name in resource group rg of
// subscription sub, for fleets of clusters.
func Renamed(c *armcontainerservice.ManagedCluster, sub, rg, name string) *armcontainerservice.ManagedCluster {
	cp := *c
	cp.ID = to.Ptr("/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + name)
	cp.Name = to.Ptr(name)
	return &cp
}
