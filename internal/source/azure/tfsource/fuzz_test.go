package tfsource

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead evaluates arbitrary text as a root module's only .tf file,
// with the production limits: an error or resources, never a panic or a
// hang.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"../../../../examples/aks/terraform/main.tf", "../../../../examples/aks/terraform/modules/naming/main.tf"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`resource "azurerm_kubernetes_cluster" "c" { count = 2, name = "a${count.index}" }`,
		`locals { a = [for k, v in {x = 1} : v if k != ""] }` + "\n" + `resource "azurerm_container_registry" "r" { name = try(local.a[3], "x") }`,
		`resource "azurerm_container_registry" "r" { dynamic "x" { for_each = [1] content { y = x.value } } }`,
		`variable "v" { type = object({a = optional(string, "d")}) default = {} }` + "\n" + `resource "azurerm_container_registry" "r" { name = var.v.a }`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		m := Read(dir, Options{})
		for _, e := range m.Errors {
			if e.Msg == "" {
				t.Errorf("empty error: %+v", e)
			}
		}
	})
}
