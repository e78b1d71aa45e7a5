// Package azure reads the Azure side of AKS: managed clusters, their node
// pools and diagnostic settings, and container registries, from
//
//   - `az aks show`, `az acr show` and other az output (properties
//     flattened to the top level, Python-SDK key spelling),
//   - ARM GET responses and lists, Azure Resource Graph rows,
//   - ARM deployment templates, Bicep compiled to ARM JSON included,
//     with parameters, variables, copy loops and nested deployments
//     evaluated as far as they can be before deployment,
//   - Terraform plan and state JSON (azurerm v3 and v4 attribute names),
//   - the live Azure API through the Azure SDK for Go.
//
// Every input is decoded into the SDK's own models (armcontainerservice/v6,
// armcontainerregistry, armmonitor) after its keys are brought to the REST
// spelling, and every field keeps its position: file and line for files,
// the Terraform address for plans, the ARM resource id for live objects.
// What an input cannot provide is recorded as a gap, never guessed.
//
// This package is the API (Load, Live) and the dispatch of each JSON
// document to its reader; the readers are sub-packages: arm (template
// interpreter), terraform (plan and state), live (Azure SDK), and
// internal/azmodel (the parser, budget, resource reader and model
// builder they share).
package azure
