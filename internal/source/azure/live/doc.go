// Package live reads AKS clusters and container registries from the
// Azure API through the Azure SDK for Go, with their related resources
// (diagnostic settings, maintenance configurations, role assignments,
// registry tokens, webhooks, cache rules and replications), into the
// shared model builder (internal/azmodel). A related read that fails
// leaves what needs it not assessed, with the reason.
package live
