package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
)

// ClusterRef is an AKS cluster Azure Resource Graph lists.
type ClusterRef struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ResourceGroup string `json:"resourceGroup"`
	Subscription  string `json:"subscriptionId"`
	Location      string `json:"location"`
}

// FindOptions say where to look for clusters.
type FindOptions struct {
	// Subscriptions are searched together; ResourceGroup narrows them.
	Subscriptions []string
	ResourceGroup string
	Credential    azcore.TokenCredential
	ClientOptions *arm.ClientOptions
}

// MaxClusters bounds what one search returns: a fleet larger than this is
// an error asking to narrow it, never a silently shortened list.
const MaxClusters = 5000

// groupName is what Azure accepts as a resource group name; anything else
// is refused before it reaches a query.
var groupName = regexp.MustCompile(`^[\p{L}\p{N}._()-]{1,90}$`)

// FindClusters lists the AKS clusters of the subscriptions (and resource
// group) through Azure Resource Graph, one query paged by its skip token,
// sorted by id. Reader on the subscriptions is enough; Resource Graph
// shows only what the credential may read, so a subscription it cannot
// see yields no rows (the caller names the scope it searched).
func FindClusters(ctx context.Context, opt FindOptions) ([]ClusterRef, error) {
	if len(opt.Subscriptions) == 0 {
		return nil, errors.New("finding clusters: no subscription")
	}
	if opt.ResourceGroup != "" && !groupName.MatchString(opt.ResourceGroup) {
		return nil, fmt.Errorf("finding clusters: %q is not a resource group name", opt.ResourceGroup)
	}
	client, err := armresourcegraph.NewClient(opt.Credential, opt.ClientOptions)
	if err != nil {
		return nil, err
	}
	q := "resources | where type =~ 'microsoft.containerservice/managedclusters'"
	if opt.ResourceGroup != "" {
		q += " | where resourceGroup =~ '" + opt.ResourceGroup + "'"
	}
	q += " | project id, name, resourceGroup, subscriptionId, location | order by id asc"
	req := armresourcegraph.QueryRequest{
		Query:         &q,
		Subscriptions: to.SliceOfPtrs(opt.Subscriptions...),
		Options:       &armresourcegraph.QueryRequestOptions{ResultFormat: to.Ptr(armresourcegraph.ResultFormatObjectArray)},
	}
	var out []ClusterRef
	for {
		resp, err := client.Resources(ctx, req, nil)
		if err != nil {
			return nil, fmt.Errorf("finding clusters with Azure Resource Graph: %s", short(err))
		}
		// Data is the rows as decoded JSON: re-encode them into ours.
		b, err := json.Marshal(resp.Data)
		if err != nil {
			return nil, err
		}
		var rows []ClusterRef
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, fmt.Errorf("finding clusters: Resource Graph answered rows of another shape: %w", err)
		}
		for _, r := range rows {
			if r.ID == "" || r.Name == "" || r.ResourceGroup == "" || r.Subscription == "" {
				return nil, fmt.Errorf("finding clusters: Resource Graph row without id, name, resource group or subscription: %+v", r)
			}
		}
		out = append(out, rows...)
		if len(out) > MaxClusters {
			return nil, fmt.Errorf("finding clusters: more than %d in %s; narrow the search with --resource-group or fewer subscriptions", MaxClusters, strings.Join(opt.Subscriptions, ", "))
		}
		if resp.SkipToken == nil || *resp.SkipToken == "" {
			if resp.ResultTruncated != nil && *resp.ResultTruncated == armresourcegraph.ResultTruncatedTrue {
				return nil, errors.New("finding clusters: Resource Graph truncated the result without a skip token to read the rest")
			}
			return out, nil
		}
		req.Options.SkipToken = resp.SkipToken
	}
}

// Short is an SDK error's first line: the status and error code, not the
// whole response dump.
func Short(err error) string { return short(err) }
