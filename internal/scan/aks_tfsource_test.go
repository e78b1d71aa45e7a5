package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure/azuretest"
)

// findingKeys are a report's findings as check id, subject and field.
func findingKeys(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.CheckID+" "+f.Subject.String()+" "+f.Field)
	}
	slices.Sort(out)
	return out
}

// The Terraform source of the example (variables, terraform.tfvars, a
// local module, for_each, a dynamic block) gives what its plan gives:
// the same findings and the same checks not assessed, located in the .tf
// files.
func TestAKSTerraformSourceMatchesPlan(t *testing.T) {
	dir := "../../examples/aks/terraform"
	plan, err := AKS(t.Context(), aksOptions(filepath.Join(dir, "plan.json")))
	if err != nil {
		t.Fatal(err)
	}
	src, err := AKS(t.Context(), aksOptions(filepath.Join(dir, "main.tf")))
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Errors) > 0 || len(src.CheckErrors) > 0 {
		t.Fatalf("source: errors %v check errors %v", src.Errors, src.CheckErrors)
	}
	want, got := findingKeys(plan), findingKeys(src)
	if len(want) < 30 {
		t.Fatalf("the plan gives only %d findings", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("source findings differ from the plan's:\nsource %q\nplan   %q", got, want)
	}
	ps, ss := azuretest.States(plan), azuretest.States(src)
	for id, st := range ps {
		if ss[id] != st {
			t.Errorf("%s: %s from source, %s from the plan", id, ss[id], st)
		}
	}
	for _, f := range src.Findings {
		if !strings.HasSuffix(f.Location.File, ".tf") || f.Location.Line == 0 || !strings.HasPrefix(f.Location.Resource, "azurerm_") {
			t.Errorf("%s: not located in the source: %+v", f.CheckID, f.Location)
		}
	}
	// The attribute's own line: admin_enabled = true in main.tf.
	lines := strings.Split(readFile(t, filepath.Join(dir, "main.tf")), "\n")
	for _, f := range src.Findings {
		if f.CheckID == "ACR-001" && !strings.Contains(lines[f.Location.Line-1], "admin_enabled") {
			t.Errorf("ACR-001 at line %d: %q", f.Location.Line, lines[f.Location.Line-1])
		}
	}
	// The directory holds both: the plan is read, the source skipped.
	both, err := AKS(t.Context(), aksOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(findingKeys(both), want) {
		t.Errorf("directory with plan and source: %d findings, want the plan's %d", len(findingKeys(both)), len(want))
	}
}

func writeTF(t *testing.T, files map[string]string) string {
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

// What only apply or Azure can tell is not assessed, with the reason,
// never passed and never judged as absent: authorized ranges from a data
// source, a KMS key from a module Bulwark does not read, the disk
// encryption set id of a resource created in the same configuration.
func TestAKSTerraformSourceUnknowns(t *testing.T) {
	dir := writeTF(t, map[string]string{"main.tf": `
data "azurerm_key_vault" "kv" {
  name                = "kv"
  resource_group_name = "rg"
}

module "ranges" {
  source = "git::https://example.com/net.git"
}

resource "azurerm_disk_encryption_set" "des" {
  name = "des"
}

resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-x"
  local_account_disabled = true
  disk_encryption_set_id = azurerm_disk_encryption_set.des.id
  api_server_access_profile {
    authorized_ip_ranges = module.ranges.cidrs
  }
  key_management_service {
    key_vault_key_id         = "${data.azurerm_key_vault.kv.id}/keys/etcd"
    key_vault_network_access = data.azurerm_key_vault.kv.public_network_access_enabled ? "Public" : "Private"
  }
  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4ds_v5"
  }
}
`})
	rep, err := AKS(t.Context(), aksOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("errors %v", rep.Errors)
	}
	st := azuretest.States(rep)
	// AKS-102 authorized ranges, AKS-402 KMS network access.
	for _, id := range []string{"AKS-102", "AKS-402"} {
		if st[id] != "na" {
			t.Errorf("%s: %s, want not assessed", id, st[id])
		}
	}
	warns := strings.Join(rep.Warnings, "\n")
	for _, want := range []string{`module.ranges, whose source "git::https://example.com/net.git" Bulwark does not read`, "data.azurerm_key_vault.kv, which Terraform reads from Azure"} {
		if !strings.Contains(warns, want) {
			t.Errorf("no reason %q in warnings:\n%s", want, warns)
		}
	}
	// A disk encryption set created beside the cluster counts as set,
	// as in a plan; local accounts are off, as configured.
	for _, id := range []string{"AKS-404", "AKS-201"} {
		if st[id] == "fail" {
			t.Errorf("%s fails", id)
		}
	}
}
