package azure

import (
	"context"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/live"
)

// The types Load and Live return are declared where the readers share
// them (internal/azmodel, live); these names are the package's API.
type (
	// Result is what Load or Live found.
	Result = azmodel.Result
	// Skipped is a document that is not an input Bulwark checks.
	Skipped = azmodel.Skipped
	// Error is input that could not be read or decoded.
	Error = azmodel.Error
	// Limits bound the work of one run over every input (see
	// azmodel.Limits).
	Limits = azmodel.Limits
	// LiveOptions say which clusters to read from Azure and how.
	LiveOptions = live.Options
	// ClusterRef is an AKS cluster Azure Resource Graph lists.
	ClusterRef = live.ClusterRef
	// FindOptions say where FindClusters looks.
	FindOptions = live.FindOptions
)

// DefaultLimits are the limits a zero Limits field takes.
var DefaultLimits = azmodel.DefaultLimits

// Live reads clusters, and the container registries of the same scope,
// from Azure through the SDK (see live.Read).
func Live(ctx context.Context, opt LiveOptions) (*Result, error) { return live.Read(ctx, opt) }

// FindClusters lists AKS clusters through Azure Resource Graph (see
// live.FindClusters).
func FindClusters(ctx context.Context, opt FindOptions) ([]ClusterRef, error) {
	return live.FindClusters(ctx, opt)
}

// ShortError is an Azure SDK error as a person reads it: the HTTP status
// and the error code.
func ShortError(err error) string { return live.Short(err) }
