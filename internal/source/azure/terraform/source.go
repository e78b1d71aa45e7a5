package terraform

import (
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// Resource is one resource instance evaluated from Terraform source
// (package tfsource) in the shapes a plan gives: Values as
// planned_values, Unknown as change.after_unknown, Config as the
// configuration's expressions (each attribute {"references": [...]},
// blocks as lists). Mapping it is the plan's mapping, so that source and
// plan of one configuration give the same model.
type Resource struct {
	// Address is the instance address (module.aks.azurerm_x.y["k"]),
	// Module its module prefix with the dot ("module.aks.") or "".
	Address, Module, Type string
	Values                map[string]any
	Unknown               map[string]any
	Config                map[string]any
	// Why says, by dotted attribute path, what a value known only after
	// apply comes from.
	Why map[string]string
	// File and At are where the resource block starts; Pos holds the
	// position of each attribute path (list items as #N).
	File string
	At   azmodel.Pos
	Pos  *azmodel.PosIndex
}

// ReadSource maps the resources of one root module (group names it) onto
// the model, as ReadPlan does the resources of a plan, and returns how
// many were of a type the checks read.
func ReadSource(group string, rs []*Resource, b *azmodel.Builder, r *azmodel.Result) int {
	out := make([]*tfResource, 0, len(rs))
	for _, x := range rs {
		pm := x.Pos
		out = append(out, &tfResource{
			address: x.Address, base: azmodel.IndexSuffix.ReplaceAllString(x.Address, ""),
			module: x.Module, typ: x.Type, values: x.Values, unknown: x.Unknown,
			config: x.Config, file: x.File, at: x.At, why: x.Why,
			pos: func(rel []string) (azmodel.Pos, bool) {
				if pm == nil {
					return azmodel.Pos{}, false
				}
				return pm.Get(rel)
			},
		})
	}
	return readAll(out, group, b, r)
}

// Read reports whether resources of type typ are mapped onto the model.
func Read(typ string) bool {
	_, ok := readers[typ]
	return ok
}
