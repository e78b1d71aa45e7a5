package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

const aksExamples = "../../examples/aks"

func TestScanAKS(t *testing.T) {
	code, out, _ := run(t, "", "scan", "aks", filepath.Join(aksExamples, "default", "aks.json"), "--as-of", "2026-11-26")
	if code != report.ExitFail {
		t.Errorf("exit %d, want %d", code, report.ExitFail)
	}
	for _, want := range []string{"ManagedCluster /subscriptions/", "AKS-501", "field:  properties.currentKubernetesVersion", "not assessed: diagnosticSettings"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", "scan", "aks", filepath.Join(aksExamples, "bicep"), "--as-of", "2026-11-26")
	if code != report.ExitPass || !strings.Contains(out, "No findings.") {
		t.Errorf("hardened Bicep: exit %d\n%s", code, out)
	}
}

func TestScanAKSStdinAndJSON(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(aksExamples, "terraform", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, string(doc), "scan", "aks", "-", "-f", "json", "--as-of", "2026-11-26", "--fail-on", "critical")
	if code != report.ExitPass {
		t.Errorf("exit %d: %s", code, errs)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Command != "scan aks" || rep.Summary.Findings == 0 {
		t.Errorf("report: %s, %d findings", rep.Command, rep.Summary.Findings)
	}
	for _, f := range rep.Findings {
		if f.Location.File != "<stdin>" {
			t.Errorf("stdin finding located in %q", f.Location.File)
			break
		}
	}
}

func TestScanAKSParameters(t *testing.T) {
	dir := t.TempDir()
	params := filepath.Join(dir, "p.json")
	if err := os.WriteFile(params, []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0",
		"parameters": {"adminGroupObjectId": {"value": "9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(aksExamples, "arm", "aks-payments.json")
	_, without, _ := run(t, "", "scan", "aks", tmpl, "--as-of", "2026-11-26")
	_, with, _ := run(t, "", "scan", "aks", tmpl, "--parameters", params, "--as-of", "2026-11-26")
	if !strings.Contains(without, "AKS-206 not assessed") || strings.Contains(with, "AKS-206 not assessed") {
		t.Errorf("--parameters did not supply the value:\nwithout:\n%s\nwith:\n%s", without, with)
	}
}

func TestScanAKSUsage(t *testing.T) {
	for _, args := range [][]string{
		{"scan", "aks"},
		{"scan", "aks", "x.json", "--subscription", "00000000-0000-0000-0000-000000000000"},
		{"scan", "aks", "--resource-group", "rg"},
		{"scan", "aks", "--subscription", "s", "--name", "aks"},
		{"scan", "aks", "--subscription", "s", "--parameters", "p.json"},
	} {
		if code, _, errs := run(t, "", args...); code != report.ExitError || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if code, out, _ := run(t, "", "scan", "aks", "does-not-exist.json"); code != report.ExitError || !strings.Contains(out, "does-not-exist.json") {
		t.Errorf("missing file: exit %d\n%s", code, out)
	}
}

func TestChecksListAKS(t *testing.T) {
	_, out, _ := run(t, "", "checks", "list", "--area", "aks")
	for _, want := range []string{"AKS-101", "ASB NS-2; CIS 5.4.1", "AKS-601", "CIS 2.1.1", "AKS-513"} {
		if !strings.Contains(out, want) {
			t.Errorf("checks list --area aks lacks %q", want)
		}
	}
	_, out, _ = run(t, "", "checks", "list", "--area", "acr", "-f", "json")
	var metas []struct {
		ID   string `json:"id"`
		Area string `json:"area"`
	}
	if err := json.Unmarshal([]byte(out), &metas); err != nil {
		t.Fatal(err)
	}
	if len(metas) < 19 || !strings.HasPrefix(metas[0].ID, "ACR-") {
		t.Errorf("acr checks: %+v", metas)
	}
}

// A file that holds no cluster and no registry is an input error, never a
// pass with nothing checked.
func TestScanAKSUnrecognisedInputIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "values.json")
	if err := os.WriteFile(path, []byte(`{"replicaCount": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "scan", "aks", path)
	if code != 2 || out != "" || !strings.Contains(errOut, "no AKS cluster or container registry found in "+path) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestScanAKSControlCharacters: names, ids and messages from Azure inputs
// reach neither stderr nor the table with their control characters.
func TestScanAKSControlCharacters(t *testing.T) {
	dir := t.TempDir()
	evil := `evil\u001b]0;owned\u0007\u001b[2J\nbulwark: PASS forged\r`
	doc := `{"type": "Microsoft.ContainerRegistry/registries", "name": "` + evil + `", "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/` + evil + `", "properties": {"adminUserEnabled": "` + evil + `"}}` +
		"\n" + `{"type": "Microsoft.ContainerService/managedClusters", "name": "` + evil + `", "properties": {"agentPoolProfiles": [{"name": "` + evil + `", "osSKU": "` + evil + `"}]}}` + "\n\u001b[31mgarbage\n"
	file := filepath.Join(dir, "evil\u001b[1m.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "sarif"} {
		_, out, errs := run(t, "", "scan", "aks", file, "-f", format, "--as-of", "2026-11-26")
		if strings.ContainsAny(errs, "\x1b\x07\r") {
			t.Errorf("-f %s: control characters on stderr: %q", format, errs)
		}
		for _, l := range strings.Split(errs, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "bulwark: PASS") {
				t.Errorf("-f %s: a forged line on stderr: %q", format, errs)
			}
		}
		if format == "table" && strings.ContainsAny(out, "\x1b\x07\r") {
			t.Errorf("table: control characters: %q", out)
		}
	}
}

// TestScanAKSSecureParametersNeverPrinted: a secure parameter's value,
// default or from --parameters, and what is computed from it, appear in no
// output format and not on stderr.
func TestScanAKSSecureParametersNeverPrinted(t *testing.T) {
	const marker = "Zq7SecretMarker"
	dir := t.TempDir()
	tmpl := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
	"parameters": {"pw": {"type": "secureString", "defaultValue": "` + marker + `"}, "obj": {"type": "secureObject", "defaultValue": {"k": "` + marker + `"}},
		"fromFile": {"type": "secureString"}},
	"resources": [
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(resourceGroup().id, parameters('pw')))]", "properties": {"adminUserEnabled": true},
			"tags": {"a": "[parameters('pw').x]", "b": "[add(parameters('fromFile'), 1)]", "c": "[guid(parameters('obj').k)]", "d": "[string(parameters('obj'))]", "e": "[concat(parameters('fromFile'), '!')]"}},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[parameters('fromFile')]", "properties": {"adminUserEnabled": "[parameters('pw')]"}},
		{"type": "Microsoft.ContainerService/managedClusters", "name": "[format('aks-{0}', uniqueString(parameters('obj').k))]", "properties": {"dnsPrefix": "[parameters('pw')]",
			"kubernetesVersion": "[parameters('pw')]", "agentPoolProfiles": [{"name": "[parameters('pw')]", "osSKU": "[concat(parameters('pw'), 'Mariner')]"}]}}
	]}`
	file := filepath.Join(dir, "main.json")
	params := filepath.Join(dir, "main.parameters.json")
	if err := os.WriteFile(file, []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(params, []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"fromFile": {"value": "`+marker+`"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "sarif", "junit"} {
		code, out, errs := run(t, "", "scan", "aks", file, "--parameters", params, "-f", format, "--as-of", "2026-11-26")
		if code != report.ExitError || !strings.Contains(errs+out, "adminUserEnabled") {
			t.Errorf("-f %s: exit %d, want %d with the type error reported:\n%s", format, code, report.ExitError, errs)
		}
		if strings.Contains(out, marker) || strings.Contains(errs, marker) {
			t.Errorf("-f %s: the secure value was printed:\n%s\n%s", format, out, errs)
		}
		if format == "json" && !strings.Contains(out, "acr{uniqueString(resourceGroup().id, <redacted>)}") {
			t.Errorf("-f json: no readable, redacted stand-in for the name:\n%s\n%s", out[:min(len(out), 3000)], errs)
		}
	}
}

// TestScanAKSDeploymentTimeNamesDistinct: three registries named with
// uniqueString() have three names and three fingerprints.
func TestScanAKSDeploymentTimeNamesDistinct(t *testing.T) {
	dir := t.TempDir()
	var res []string
	for i := 1; i <= 3; i++ {
		res = append(res, `{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "[concat('acr', uniqueString('acr`+string(rune('0'+i))+`', resourceGroup().id))]", "sku": {"name": "Basic"}, "properties": {"adminUserEnabled": true}}`)
	}
	file := filepath.Join(dir, "main.json")
	if err := os.WriteFile(file, []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [`+strings.Join(res, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errs := run(t, "", "scan", "aks", file, "-f", "json", "--checks", "ACR-001")
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	names, prints := map[string]bool{}, map[string]bool{}
	for _, f := range rep.Findings {
		names[f.Subject.Name] = true
		prints[f.Fingerprint] = true
	}
	if len(rep.Findings) != 3 || len(names) != 3 || len(prints) != 3 {
		t.Errorf("%d findings, %d names %v, %d fingerprints; want 3 of each", len(rep.Findings), len(names), names, len(prints))
	}
	if !names["acr{uniqueString('acr2', resourceGroup().id)}"] {
		t.Errorf("names %v lack the readable acr{uniqueString('acr2', resourceGroup().id)}", names)
	}
}

// Terraform source: the example module scans (its findings located in
// the .tf files); a syntax error is an input error naming file and line.
func TestScanAKSTerraformSource(t *testing.T) {
	code, out, errs := run(t, "", "scan", "aks", filepath.Join(aksExamples, "terraform", "main.tf"), "--as-of", "2026-11-26")
	if code != report.ExitFail || !strings.Contains(out, "main.tf:") || !strings.Contains(out, "ACR-001") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(bad, []byte("resource \"azurerm_kubernetes_cluster\" \"c\" {\n  name = \"x\"\n  dns_prefix = \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "", "scan", "aks", dir)
	if code != report.ExitError || !strings.Contains(out+errs, bad+":3") {
		t.Errorf("syntax error: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = run(t, "", "scan", "aks", "--subscription", "x", "--var", "a=b")
	if code != report.ExitError || !strings.Contains(errs, "--var") {
		t.Errorf("--var with --subscription: exit %d %s", code, errs)
	}
}
