// Package terraform reads Terraform plan and state JSON (azurerm v3 and
// v4 attribute names) into ARM-shaped resources for the shared model
// builder (internal/azmodel): each attribute is mapped to its ARM
// property and keeps its Terraform address and attribute path as its
// position; a value known only after apply is a gap, never a guess.
package terraform
