package acr

import "k8s.io/apimachinery/pkg/util/validation/field"

// top is the path of a resource-level field (sku), outside properties.
func top(name string, more ...string) *field.Path { return field.NewPath(name, more...) }
