package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// Options say which clusters to read from Azure and how.
type Options struct {
	// Subscription is required; ResourceGroup and Name narrow the scan to
	// a resource group or one cluster.
	Subscription, ResourceGroup, Name string
	// Credential authenticates; the CLI uses azidentity's
	// DefaultAzureCredential.
	Credential azcore.TokenCredential
	// ClientOptions are passed to every SDK client (tests set the SDK's
	// fake server transports here).
	ClientOptions *arm.ClientOptions
}

// Target names what a live scan reads, for the report.
func (o Options) Target() string {
	t := "/subscriptions/" + o.Subscription
	if o.ResourceGroup != "" {
		t += "/resourceGroups/" + o.ResourceGroup
	}
	if o.Name != "" {
		t += "/providers/Microsoft.ContainerService/managedClusters/" + o.Name
	}
	return t
}

// Read reads clusters, and the container registries of the same scope,
// from Azure through the SDK: each cluster with its diagnostic settings,
// maintenance configurations, the role assignments of its kubelet
// identity and the Kubernetes versions its region offers; each registry
// with its diagnostic settings, role assignments, tokens, webhooks, cache
// rules and replications (see live_roles.go for role assignments).
//
// Registries: the registries of the scanned subscription or resource
// group are checked. The kubelet identity's rights on any registry of the
// subscription are judged (AKS-211) through its role assignments, whether
// that registry is scanned or not.
//
// Failing to list clusters is an error. A related read that fails (no
// permission on diagnostic settings, say) leaves the checks that need it
// not assessed, with the reason, and does not stop the scan.
func Read(ctx context.Context, opt Options) (*azmodel.Result, error) {
	if opt.Subscription == "" {
		return nil, errors.New("live scan: --subscription is required")
	}
	if opt.Credential == nil {
		return nil, errors.New("live scan: no Azure credential")
	}
	cs, err := armcontainerservice.NewClientFactory(opt.Subscription, opt.Credential, opt.ClientOptions)
	if err != nil {
		return nil, err
	}
	cr, err := armcontainerregistry.NewClientFactory(opt.Subscription, opt.Credential, opt.ClientOptions)
	if err != nil {
		return nil, err
	}
	mon, err := armmonitor.NewDiagnosticSettingsClient(opt.Credential, opt.ClientOptions)
	if err != nil {
		return nil, err
	}
	authz, err := armauthorization.NewClientFactory(opt.Subscription, opt.Credential, opt.ClientOptions)
	if err != nil {
		return nil, err
	}
	l := &live{ctx: ctx, opt: opt, clusters: cs.NewManagedClustersClient(), maint: cs.NewMaintenanceConfigurationsClient(),
		registries: cr.NewRegistriesClient(), tokens: cr.NewTokensClient(), webhooks: cr.NewWebhooksClient(),
		cache: cr.NewCacheRulesClient(), replications: cr.NewReplicationsClient(), diags: mon,
		assignments: authz.NewRoleAssignmentsClient(), definitions: authz.NewRoleDefinitionsClient(), roleDefs: map[string]roleDef{},
		b: azmodel.NewBuilder(), res: &azmodel.Result{Offered: map[string]map[string]aksmodel.Offered{}}}
	mcs, err := l.listClusters()
	if err != nil {
		return nil, fmt.Errorf("listing AKS clusters in %s: %w", opt.Target(), err)
	}
	for _, mc := range mcs {
		l.cluster(mc)
	}
	regs, err := l.listRegistries()
	if err != nil {
		l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("listing container registries in %s: %s; registry checks did not run", scopeOf(opt), short(err)))
	}
	for _, r := range regs {
		l.registry(r)
	}
	l.b.Build(l.res)
	return l.res, nil
}

type live struct {
	ctx          context.Context
	opt          Options
	clusters     *armcontainerservice.ManagedClustersClient
	maint        *armcontainerservice.MaintenanceConfigurationsClient
	registries   *armcontainerregistry.RegistriesClient
	tokens       *armcontainerregistry.TokensClient
	webhooks     *armcontainerregistry.WebhooksClient
	cache        *armcontainerregistry.CacheRulesClient
	replications *armcontainerregistry.ReplicationsClient
	diags        *armmonitor.DiagnosticSettingsClient
	assignments  *armauthorization.RoleAssignmentsClient
	definitions  *armauthorization.RoleDefinitionsClient
	// roleDefs caches role definition names by definition GUID.
	roleDefs map[string]roleDef
	b        *azmodel.Builder
	res      *azmodel.Result
}

func scopeOf(o Options) string {
	if o.ResourceGroup != "" {
		return "/subscriptions/" + o.Subscription + "/resourceGroups/" + o.ResourceGroup
	}
	return "/subscriptions/" + o.Subscription
}

func (l *live) listClusters() ([]*armcontainerservice.ManagedCluster, error) {
	if l.opt.Name != "" {
		resp, err := l.clusters.Get(l.ctx, l.opt.ResourceGroup, l.opt.Name, nil)
		if err != nil {
			return nil, err
		}
		return []*armcontainerservice.ManagedCluster{&resp.ManagedCluster}, nil
	}
	if l.opt.ResourceGroup != "" {
		return drain(l.ctx, l.clusters.NewListByResourceGroupPager(l.opt.ResourceGroup, nil),
			func(p armcontainerservice.ManagedClustersClientListByResourceGroupResponse) []*armcontainerservice.ManagedCluster {
				return p.Value
			})
	}
	return drain(l.ctx, l.clusters.NewListPager(nil),
		func(p armcontainerservice.ManagedClustersClientListResponse) []*armcontainerservice.ManagedCluster {
			return p.Value
		})
}

func (l *live) listRegistries() ([]*armcontainerregistry.Registry, error) {
	if l.opt.ResourceGroup != "" {
		return drain(l.ctx, l.registries.NewListByResourceGroupPager(l.opt.ResourceGroup, nil),
			func(p armcontainerregistry.RegistriesClientListByResourceGroupResponse) []*armcontainerregistry.Registry {
				return p.Value
			})
	}
	return drain(l.ctx, l.registries.NewListPager(nil),
		func(p armcontainerregistry.RegistriesClientListResponse) []*armcontainerregistry.Registry {
			return p.Value
		})
}

// drain reads every page of a pager. A listing is all or nothing: a failed
// page makes the whole read a gap, so a check never judges half a list.
func drain[P, T any](ctx context.Context, p *runtime.Pager[P], items func(P) []T) ([]T, error) {
	var out []T
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, items(page)...)
	}
	return out, nil
}

// resourceGroupOf reads the resource group out of an ARM id.
func resourceGroupOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// toMap encodes an SDK model with its own MarshalJSON: the ARM shape with
// REST names.
func toMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{}
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// liveLocator locates a field of a live resource: its ARM id, the agent
// pool's own id for pool fields.
func liveLocator(id string) *azmodel.Locator {
	return &azmodel.Locator{Resource: id, Pm: azmodel.NewPosIndex()}
}

func (l *live) cluster(mc *armcontainerservice.ManagedCluster) {
	if mc == nil || mc.ID == nil {
		return
	}
	id := *mc.ID
	rg, name := resourceGroupOf(id), aksmodel.Str(mc.Name)
	l.res.Documents++
	x := &azmodel.Res{Kind: azmodel.KindCluster, ID: id, Name: name, Value: toMap(mc), Gaps: aksmodel.Gaps{}, Loc: liveLocator(id), Origin: azmodel.OriginLive, Group: "live", Label: id}
	l.b.Add(x)

	l.diagnostics(x)
	maint, err := drain(l.ctx, l.maint.NewListByManagedClusterPager(rg, name, nil),
		func(p armcontainerservice.MaintenanceConfigurationsClientListByManagedClusterResponse) []*armcontainerservice.MaintenanceConfiguration {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapMaintenance, "reading maintenance configurations failed: "+short(err))
	}
	for _, m := range maint {
		if m != nil {
			l.b.Add(&azmodel.Res{Kind: azmodel.KindMaintenance, ID: aksmodel.Str(m.ID), Name: aksmodel.Str(m.Name), Parent: id, Value: toMap(m), Gaps: aksmodel.Gaps{}, Loc: liveLocator(aksmodel.Str(m.ID)), Origin: azmodel.OriginLive, Group: "live", Label: aksmodel.Str(m.ID)})
		}
	}
	l.kubeletRoles(x)

	loc := strings.ToLower(aksmodel.Str(mc.Location))
	if _, done := l.res.Offered[loc]; !done && loc != "" {
		resp, err := l.clusters.ListKubernetesVersions(l.ctx, aksmodel.Str(mc.Location), nil)
		if err != nil {
			l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("listing the Kubernetes versions offered in %s failed (%s); versions are judged with the built-in calendar", aksmodel.Str(mc.Location), short(err)))
			l.res.Offered[loc] = nil
			return
		}
		offered := map[string]aksmodel.Offered{}
		for _, v := range resp.Values {
			if v == nil || v.Version == nil {
				continue
			}
			o := aksmodel.Offered{Preview: aksmodel.Bool(v.IsPreview)}
			if v.Capabilities != nil {
				for _, p := range v.Capabilities.SupportPlan {
					if p != nil {
						o.Plans = append(o.Plans, string(*p))
					}
				}
			}
			sort.Strings(o.Plans)
			offered[*v.Version] = o
		}
		l.res.Offered[loc] = offered
	}
}

func (l *live) registry(r *armcontainerregistry.Registry) {
	if r == nil || r.ID == nil {
		return
	}
	id := *r.ID
	rg, name := resourceGroupOf(id), aksmodel.Str(r.Name)
	l.res.Documents++
	x := &azmodel.Res{Kind: azmodel.KindRegistry, ID: id, Name: name, Value: toMap(r), Gaps: aksmodel.Gaps{}, Loc: liveLocator(id), Origin: azmodel.OriginLive, Group: "live", Label: id}
	l.b.Add(x)
	child := func(k azmodel.Kind, cid, cname string, v any) {
		l.b.Add(&azmodel.Res{Kind: k, ID: cid, Name: cname, Parent: id, Value: toMap(v), Gaps: aksmodel.Gaps{}, Loc: liveLocator(cid), Origin: azmodel.OriginLive, Group: "live", Label: cid})
	}
	l.diagnostics(x)
	l.registryRoles(x)
	tokens, err := drain(l.ctx, l.tokens.NewListPager(rg, name, nil),
		func(p armcontainerregistry.TokensClientListResponse) []*armcontainerregistry.Token { return p.Value })
	if err != nil {
		x.Gaps.Add(aksmodel.GapTokens, "reading tokens failed: "+short(err))
	}
	for _, t := range tokens {
		if t != nil {
			child(azmodel.KindToken, aksmodel.Str(t.ID), aksmodel.Str(t.Name), t)
		}
	}
	webhooks, err := drain(l.ctx, l.webhooks.NewListPager(rg, name, nil),
		func(p armcontainerregistry.WebhooksClientListResponse) []*armcontainerregistry.Webhook {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapWebhooks, "reading webhooks failed: "+short(err))
	}
	for _, w := range webhooks {
		if w == nil {
			continue
		}
		v := toMap(w)
		// The service URI is only in the callback configuration.
		cfg, err := l.webhooks.GetCallbackConfig(l.ctx, rg, name, aksmodel.Str(w.Name), nil)
		if err != nil {
			x.Gaps.Add(aksmodel.GapWebhooks+"["+aksmodel.Str(w.Name)+"].properties.serviceUri", "reading the webhook's callback configuration failed: "+short(err))
		} else if cfg.ServiceURI != nil {
			props, _ := v["properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
				v["properties"] = props
			}
			props["serviceUri"] = *cfg.ServiceURI
		}
		l.b.Add(&azmodel.Res{Kind: azmodel.KindWebhook, ID: aksmodel.Str(w.ID), Name: aksmodel.Str(w.Name), Parent: id, Value: v, Gaps: aksmodel.Gaps{}, Loc: liveLocator(aksmodel.Str(w.ID)), Origin: azmodel.OriginLive, Group: "live", Label: aksmodel.Str(w.ID)})
	}
	rules, err := drain(l.ctx, l.cache.NewListPager(rg, name, nil),
		func(p armcontainerregistry.CacheRulesClientListResponse) []*armcontainerregistry.CacheRule {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapCacheRules, "reading cache rules failed: "+short(err))
	}
	for _, c := range rules {
		if c != nil {
			child(azmodel.KindCacheRule, aksmodel.Str(c.ID), aksmodel.Str(c.Name), c)
		}
	}
	if r.SKU != nil && r.SKU.Name != nil && *r.SKU.Name == armcontainerregistry.SKUNamePremium {
		reps, err := drain(l.ctx, l.replications.NewListPager(rg, name, nil),
			func(p armcontainerregistry.ReplicationsClientListResponse) []*armcontainerregistry.Replication {
				return p.Value
			})
		if err != nil {
			l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("%s: reading replications failed: %s", id, short(err)))
		}
		for _, rep := range reps {
			if rep != nil {
				child(azmodel.KindReplication, aksmodel.Str(rep.ID), aksmodel.Str(rep.Name), rep)
			}
		}
	}
}

// diagnostics adds the diagnostic settings of x's resource, or records
// them as a gap when they cannot be read.
func (l *live) diagnostics(x *azmodel.Res) {
	diags, err := drain(l.ctx, l.diags.NewListPager(x.ID, nil),
		func(p armmonitor.DiagnosticSettingsClientListResponse) []*armmonitor.DiagnosticSettingsResource {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapDiagnostics, "reading diagnostic settings failed: "+short(err))
	}
	for _, d := range diags {
		if d != nil {
			l.b.Add(&azmodel.Res{Kind: azmodel.KindDiagnostic, ID: aksmodel.Str(d.ID), Name: aksmodel.Str(d.Name), Targets: []string{x.ID}, Value: toMap(d), Gaps: aksmodel.Gaps{}, Loc: liveLocator(aksmodel.Str(d.ID)), Origin: azmodel.OriginLive, Group: "live", Label: aksmodel.Str(d.ID)})
		}
	}
}

// short is an SDK error's first line: the status and error code, not
// the whole response dump.
func short(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return fmt.Sprintf("%d %s", re.StatusCode, re.ErrorCode)
		}
		return fmt.Sprintf("HTTP %d", re.StatusCode)
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	return s
}
