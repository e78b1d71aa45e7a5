package azure_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

func TestInputErrors(t *testing.T) {
	res := loadtest.LoadString(t, "{\n  \"type\": \"Microsoft.ContainerService/managedClusters\",\n  \"name\": \"c\",\n  \"properties\": {\n    \"enableRBAC\": true\n    \"disableLocalAccounts\": true\n  }\n}")
	if len(res.Errors) != 1 || res.Errors[0].Line == 0 || !strings.Contains(res.Errors[0].Msg, "invalid JSON") {
		t.Errorf("syntax error: %+v", res.Errors)
	}
	// A field of the wrong type is an error at its line; the rest of the
	// cluster is still read.
	res = loadtest.LoadString(t, "{\n  \"type\": \"Microsoft.ContainerService/managedClusters\",\n  \"name\": \"c\",\n  \"properties\": {\n    \"enableRBAC\": \"maybe\",\n    \"disableLocalAccounts\": true\n  }\n}")
	if len(res.Errors) != 1 || res.Errors[0].Line != 5 || !strings.Contains(res.Errors[0].Msg, "properties.enableRBAC: want true or false") {
		t.Errorf("type error: %+v", res.Errors)
	}
	if cs := loadtest.Clusters(res); len(cs) != 1 || !aksmodel.Bool(cs[0].P().DisableLocalAccounts) {
		t.Error("the rest of the cluster was not read")
	}
	res = loadtest.LoadString(t, `{"type": "Microsoft.ContainerService/managedClusters", "name": "c", "properties": {"enableRBAC": true, "EnableRbac": false}}`)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "set twice") {
		t.Errorf("duplicate spelling: %+v", res.Errors)
	}
}

func TestSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("vm.json", `{"type": "Microsoft.Compute/virtualMachines", "name": "vm"}`)
	write("main.parameters.json", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {}}`)
	write("package.json", `{"name": "x", "version": "1.0.0"}`)
	if err := os.MkdirAll(filepath.Join(dir, "bicep"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("bicep/main.bicep", "param x string\n")
	res := loadtest.Load(t, dir)
	if len(res.Skipped) != 4 || len(res.Errors) > 0 || len(res.Objects) > 0 {
		t.Fatalf("got %+v", res)
	}
	reasons := ""
	for _, s := range res.Skipped {
		reasons += s.Reason + "\n"
	}
	for _, want := range []string{"Microsoft.Compute/virtualMachines is not checked", "--parameters", "not an Azure resource", "az bicep build"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("no skip reason %q in\n%s", want, reasons)
		}
	}
}

func TestExclude(t *testing.T) {
	res, err := azure.Load(t.Context(), []string{loadtest.Examples}, azure.Options{Exclude: []string{"**/terraform/**", "arm"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		if strings.Contains(o.Loc.File, "terraform") || strings.Contains(o.Loc.File, "/arm/") {
			t.Errorf("excluded file read: %s", o.Loc.File)
		}
	}
	if _, err := azure.Load(t.Context(), []string{loadtest.Examples}, azure.Options{Exclude: []string{"[x"}}); err == nil {
		t.Error("bad pattern accepted")
	}
}

// A Bicep source named on the command line is an input error that gives
// the command producing what Bulwark reads, never "not JSON".
func TestSourceNeedsCompiler(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string]string{
		"main.bicep":     "`az bicep build --file " + filepath.Join(dir, "main.bicep") + " --stdout | bulwark scan aks -`",
		"my infra.bicep": "`az bicep build --file '" + filepath.Join(dir, "my infra.bicep") + "' --stdout",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("param x string\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := azure.Load(t.Context(), []string{p}, azure.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, want) || strings.Contains(res.Errors[0].Msg, "JSON:") {
			t.Errorf("%s: errors %+v, want one with %s", name, res.Errors, want)
		}
	}
}

// TestVarsWithoutSource: --var and --var-file that no Terraform source
// takes are an error, not ignored; with a source they apply.
func TestVarsWithoutSource(t *testing.T) {
	example := filepath.Join("..", "..", "..", "examples", "aks", "terraform")
	for name, paths := range map[string][]string{
		"plan beside its source": {example},
		"plan alone":             {filepath.Join(example, "plan.json")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := azure.Load(t.Context(), paths, azure.Options{Vars: []string{"environment=prod"}})
			if err == nil || !strings.Contains(err.Error(), "--var and --var-file apply to Terraform source, and none was read") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	res, err := azure.Load(t.Context(), []string{filepath.Join(example, "main.tf")}, azure.Options{Vars: []string{"environment=prod"}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("source named: %v %+v", err, res)
	}
}
