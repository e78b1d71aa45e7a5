// Package azmodel is what the Azure readers share: the JSON parser that
// keeps every value's position, the per-run evaluation budget (Limits),
// the reader of az and ARM resource documents and lists, the
// canonicalisation of keys to the REST spelling against the SDK models'
// schema, the mapping of older API versions' fields, and the builder
// that links resources (clusters with their pools, diagnostic settings,
// role assignments; registries with their children) into inventory
// objects whose Typed is *aksmodel.Cluster or *aksmodel.Registry.
//
// The readers of formats (../arm for templates, ../terraform for plans,
// ../live for the Azure API) add resources to a Builder; package azure
// dispatches inputs to them and is the API callers use.
package azmodel
