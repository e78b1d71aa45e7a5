package tfsource

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
)

func write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func read(t *testing.T, files map[string]string, opt Options) *Module {
	t.Helper()
	m := Read(write(t, files), opt)
	if len(m.Errors) > 0 {
		t.Fatalf("errors: %v", m.Errors[0])
	}
	return m
}

func byAddr(m *Module) map[string]*terraform.Resource {
	out := map[string]*terraform.Resource{}
	for _, r := range m.Resources {
		out[r.Address] = r
	}
	return out
}

// Variables take, later winning: the default, terraform.tfvars,
// *.auto.tfvars in name order, --var-file, --var.
func TestVariablePrecedence(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "n" { type = number }
variable "l" { type = list(string) }
resource "azurerm_container_registry" "r" {
  name = join("/", [var.a, var.b, var.c, var.d, var.e, tostring(var.n + 1), var.l[1]])
}`,
		"terraform.tfvars": "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n",
		"x.auto.tfvars":    "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n",
		"extra.tfvars":     "d = \"file\"\ne = \"file\"\n",
	}
	dir := write(t, files)
	m := Read(dir, Options{VarFiles: []string{filepath.Join(dir, "extra.tfvars")}, Vars: []string{"e=flag", "n=41", `l=["x", "y"]`}})
	if len(m.Errors) > 0 {
		t.Fatal(m.Errors[0])
	}
	got := byAddr(m)["azurerm_container_registry.r"].Values["name"]
	if got != "default/tfvars/auto/file/flag/42/y" {
		t.Errorf("name = %v", got)
	}
	if m := Read(dir, Options{Vars: []string{"nope=1"}}); len(m.Errors) != 1 || !strings.Contains(m.Errors[0].Msg, `no variable "nope"`) {
		t.Errorf("undeclared --var: %v", m.Errors)
	}
}

// count, for_each (map and set), count.index, each.key/value, locals, a
// local module called with for_each whose outputs feed a resource, a
// dynamic block and references between resources in plan shape.
func TestExpansion(t *testing.T) {
	m := read(t, map[string]string{
		"main.tf": `
locals {
  pools = { web = "D8", jobs = "E8" }
}
resource "azurerm_kubernetes_cluster" "c" {
  count = 2
  name  = "aks-${count.index}"
  default_node_pool {
    name    = "system"
    vm_size = upper(local.pools["web"])
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "p" {
  for_each              = local.pools
  name                  = each.key
  vm_size               = each.value
  kubernetes_cluster_id = azurerm_kubernetes_cluster.c[0].id
}
module "reg" {
  source   = "./modules/reg"
  for_each = toset(["a", "b"])
  name     = "acr${each.key}"
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  name               = "diag"
  target_resource_id = module.reg["a"].id
  dynamic "enabled_log" {
    for_each = ["audit", "guard"]
    iterator = cat
    content {
      category = "${cat.value}-${cat.key}"
    }
  }
}`,
		"modules/reg/main.tf": `
variable "name" { type = string }
resource "azurerm_container_registry" "r" {
  name          = var.name
  admin_enabled = length(var.name) > 10
}
output "id" { value = azurerm_container_registry.r.id }
`,
	}, Options{})
	rs := byAddr(m)
	for _, a := range []string{"azurerm_kubernetes_cluster.c[0]", "azurerm_kubernetes_cluster.c[1]", `azurerm_kubernetes_cluster_node_pool.p["jobs"]`,
		`azurerm_kubernetes_cluster_node_pool.p["web"]`, `module.reg["a"].azurerm_container_registry.r`, `module.reg["b"].azurerm_container_registry.r`, "azurerm_monitor_diagnostic_setting.d"} {
		if rs[a] == nil {
			t.Errorf("no %s in %v", a, rs)
		}
	}
	if r := rs["azurerm_kubernetes_cluster.c[1]"]; r != nil && r.Values["name"] != "aks-1" {
		t.Errorf("count.index: %v", r.Values["name"])
	}
	p := rs[`azurerm_kubernetes_cluster_node_pool.p["jobs"]`]
	if p == nil || p.Values["vm_size"] != "E8" || p.Unknown["kubernetes_cluster_id"] != true || p.Values["mode"] != "User" {
		t.Fatalf("pool: %+v", p)
	}
	refs := p.Config["kubernetes_cluster_id"].(map[string]any)["references"].([]any)
	if !strings.Contains(strings.Join(strAll(refs), " "), "azurerm_kubernetes_cluster.c[0]") {
		t.Errorf("references %v", refs)
	}
	if w := p.Why["kubernetes_cluster_id"]; w != "azurerm_kubernetes_cluster.c[0].id, known only after apply" {
		t.Errorf("why %q", w)
	}
	if r := rs[`module.reg["b"].azurerm_container_registry.r`]; r == nil || r.Module != `module.reg["b"].` || r.Values["name"] != "acrb" || r.Values["admin_enabled"] != false {
		t.Errorf("module resource %+v", r)
	}
	d := rs["azurerm_monitor_diagnostic_setting.d"]
	logs, _ := d.Values["enabled_log"].([]any)
	if len(logs) != 2 || logs[1].(map[string]any)["category"] != "guard-1" {
		t.Errorf("dynamic: %v", d.Values["enabled_log"])
	}
	if d.Unknown["target_resource_id"] != true || !strings.Contains(d.Why["target_resource_id"], `module.reg["a"].azurerm_container_registry.r.id`) {
		t.Errorf("module output known only after apply: %v %v", d.Unknown, d.Why)
	}
	// Positions: each attribute's line, list items their own.
	if pos, ok := d.Pos.Get([]string{"enabled_log", "#1", "category"}); !ok || pos.Line != 31 {
		t.Errorf("dynamic content position %v %v", pos, ok)
	}
}

func strAll(xs []any) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.(string))
	}
	return out
}

// Errors name the file and line: syntax, an undeclared name, a cycle, a
// count Terraform cannot plan.
func TestErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		line int
		msg  string
	}{
		"syntax":     {"resource \"azurerm_container_registry\" \"r\" {\n  name = \n}\n", 2, "Invalid expression"},
		"undeclared": {"resource \"azurerm_container_registry\" \"r\" {\n  name = var.nope\n}\n", 2, "undeclared variable var.nope"},
		"cycle":      {"locals {\n  a = local.b\n  b = local.a\n}\nresource \"azurerm_container_registry\" \"r\" {\n  name = local.a\n}\n", 2, "cycle"},
		"count":      {"resource \"azurerm_resource_group\" \"g\" {}\nresource \"azurerm_container_registry\" \"r\" {\n  count = length(azurerm_resource_group.g.id)\n}\n", 3, "Terraform cannot plan it either"},
		"function":   {"resource \"azurerm_container_registry\" \"r\" {\n  name = nosuch(1)\n}\n", 2, "nosuch"},
	} {
		t.Run(name, func(t *testing.T) {
			m := Read(write(t, map[string]string{"main.tf": tc.src}), Options{})
			if len(m.Errors) != 1 || m.Errors[0].Line != tc.line || !strings.Contains(m.Errors[0].Msg, tc.msg) || !strings.HasSuffix(m.Errors[0].File, "main.tf") {
				t.Errorf("errors %v, want one at main.tf:%d with %q", m.Errors, tc.line, tc.msg)
			}
		})
	}
}

// Hostile configurations end with an error naming the limit, in bounded
// time and memory.
func TestHostile(t *testing.T) {
	nested := strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000)
	var doubling strings.Builder
	doubling.WriteString("locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= 40; i++ {
		doubling.WriteString("  s" + itoa(i) + " = \"${local.s" + itoa(i-1) + "}${local.s" + itoa(i-1) + "}\"\n")
	}
	doubling.WriteString("}\nresource \"azurerm_container_registry\" \"r\" {\n  name = local.s40\n}\n")
	for name, tc := range map[string]struct {
		files map[string]string
		msg   string
	}{
		"huge count": {map[string]string{"main.tf": `resource "azurerm_container_registry" "r" { count = 100000000 }`}, "more than 10000 resource and module instances"},
		"for_each bomb": {map[string]string{"main.tf": `
locals { r = range(1000) }
resource "azurerm_container_registry" "r" {
  name = length(flatten([for a in local.r : [for b in local.r : [for c in local.r : c]]]))
}`}, "iterate more than"},
		"join bomb": {map[string]string{"main.tf": `
locals { s = join("", [for i in range(1000) : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]) }
resource "azurerm_container_registry" "r" {
  name = join("", [for a in range(1000) : join("", [for b in range(1000) : local.s])])
}`}, "more than 33554432 bytes"},
		"doubling":       {map[string]string{"main.tf": doubling.String()}, "more than 33554432 bytes"},
		"format padding": {map[string]string{"main.tf": `resource "azurerm_container_registry" "r" { name = format("%999999999d", 1) }`}, "width"},
		"nesting":        {map[string]string{"main.tf": "locals { a = " + nested + " }"}, "nested more than 256"},
		"not chain":      {map[string]string{"main.tf": "locals { a = " + strings.Repeat("!", 2_000_000) + "true }"}, "unary operators in a row"},
		"minus chain":    {map[string]string{"main.tf": "locals { a = " + strings.Repeat("- ", 1_000_000) + "1 }"}, "unary operators in a row"},
		"conditionals":   {map[string]string{"main.tf": "locals { a = " + strings.Repeat("true ? 1 : ", 100_000) + "1 }"}, "conditionals in one file"},
		"local chain":    {map[string]string{"main.tf": localChain(5_000)}, "references nested more than 1000 deep"},
		"module cycle": {map[string]string{
			"main.tf":   `module "a" { source = "./a" }`,
			"a/main.tf": `module "b" { source = "../b" }`,
			"b/main.tf": `module "a" { source = "../a" }`,
		}, "module cycle"},
		"deep modules": {deepModules(40), "modules nested more than 16 deep"},
	} {
		t.Run(name, func(t *testing.T) {
			m := Read(write(t, tc.files), Options{})
			if len(m.Errors) == 0 || !strings.Contains(m.Errors[0].Msg, tc.msg) {
				t.Errorf("errors %v, want %q", m.Errors, tc.msg)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// deepModules is a chain of n modules, each calling the next.
func deepModules(n int) map[string]string {
	files := map[string]string{}
	dir := "."
	for range n {
		files[filepath.Join(dir, "main.tf")] = `module "m" { source = "./m" }`
		dir = filepath.Join(dir, "m")
	}
	files[filepath.Join(dir, "main.tf")] = `resource "azurerm_container_registry" "r" {}`
	return files
}

// A file over the size limit is refused; override and JSON files, which
// Bulwark does not read, make the module an error, not a partial pass.
func TestFiles(t *testing.T) {
	for _, name := range []string{"override.tf", "aks_override.tf", "extra.tf.json"} {
		dir := write(t, map[string]string{"main.tf": `resource "azurerm_container_registry" "r" {}`, name: `{}`})
		if m := Read(dir, Options{}); len(m.Errors) != 1 || !strings.Contains(m.Errors[0].Msg, name) || len(m.Resources) != 0 {
			t.Errorf("%s: %v", name, m.Errors)
		}
	}
	dir := write(t, map[string]string{"main.tf": `resource "azurerm_container_registry" "r" { name = "` + strings.Repeat("x", 2000) + `" }`})
	if m := Read(dir, Options{MaxFileSize: 1000}); len(m.Errors) != 1 || !strings.Contains(m.Errors[0].Msg, "larger than the 1000 B limit (see --max-file-size)") {
		t.Errorf("size: %v", m.Errors)
	}
}

// BenchmarkReadExample evaluates the bundled example module (root,
// variables, tfvars and the naming module).
func BenchmarkReadExample(b *testing.B) {
	for b.Loop() {
		if m := Read("../../../../examples/aks/terraform", Options{}); len(m.Errors) > 0 || len(m.Resources) != 7 {
			b.Fatalf("%v, %d resources", m.Errors, len(m.Resources))
		}
	}
}

// localChain is n locals, each referring to the next.
func localChain(n int) string {
	var b strings.Builder
	b.WriteString("# ------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------\nlocals {\n")
	for i := range n {
		b.WriteString("  l" + strconv.Itoa(i) + " = local.l" + strconv.Itoa(i+1) + "\n")
	}
	b.WriteString("  l" + strconv.Itoa(n) + " = 1\n}\nresource \"azurerm_container_registry\" \"r\" {\n  name = local.l0\n}\n")
	return b.String()
}
