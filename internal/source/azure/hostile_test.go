package azure_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

const registryDoc = `{"type": "Microsoft.ContainerRegistry/registries", "name": "%s", "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/%s", "properties": {"adminUserEnabled": true}}`

func reg(name string) string { return fmt.Sprintf(registryDoc, name, name) }

// TestSeveralDocuments: a file holding documents one after the other
// (`az acr show >> all.json`, JSON lines, a list then an object) has each
// of them read; anything else after a document is an error at its line.
func TestSeveralDocuments(t *testing.T) {
	for name, tc := range map[string]struct {
		doc  string
		want []string
	}{
		"appended":          {reg("a") + "\n" + reg("b") + "\n", []string{"a", "b"}},
		"glued":             {reg("a") + reg("b"), []string{"a", "b"}},
		"whitespace":        {"\n\n  " + reg("a") + " \t \r\n\n" + reg("b") + "   " + reg("c"), []string{"a", "b", "c"}},
		"json lines":        {reg("a") + "\n" + reg("b") + "\n" + reg("c") + "\n", []string{"a", "b", "c"}},
		"list then object":  {"[" + reg("a") + "," + reg("b") + "]\n" + reg("c"), []string{"a", "b", "c"}},
		"brace in a string": {strings.Replace(reg("a"), `"name"`, `"tags": {"x": "}]{["}, "name"`, 1) + reg("b"), []string{"a", "b"}},
	} {
		t.Run(name, func(t *testing.T) {
			res := loadtest.LoadString(t, tc.doc)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors[0])
			}
			var got []string
			for _, r := range loadtest.Registries(res) {
				got = append(got, r.Name)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("registries %v, want %v", got, tc.want)
			}
		})
	}
	for name, tc := range map[string]struct {
		doc  string
		line int
	}{
		"garbage after":       {reg("a") + "\n\ngarbage\n", 3},
		"number after":        {reg("a") + " 42", 1},
		"unclosed second":     {reg("a") + "\n" + `{"type": "Microsoft.ContainerRegistry/registries",` + "\n", 2},
		"garbage after lines": {reg("a") + "\n" + reg("b") + "\n]", 3},
	} {
		t.Run(name, func(t *testing.T) {
			res := loadtest.LoadString(t, tc.doc)
			if len(res.Errors) == 0 {
				t.Fatal("no error: the rest of the file was dropped silently")
			}
			if e := res.Errors[0]; e.Line != tc.line || !strings.Contains(e.Msg, "JSON") {
				t.Errorf("error %v, want one at line %d", e, tc.line)
			}
		})
	}
	// Positions stay those of the file, not of the document.
	res := loadtest.LoadString(t, reg("a")+"\n\n"+reg("b"))
	if o := res.Objects[1]; o.Loc.Line != 3 {
		t.Errorf("second document at line %d, want 3", o.Loc.Line)
	}
}

const tmplHead = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",`

// TestLegacyFields: fields of older API versions that still deploy are
// read where the checks look, or the apiVersion makes them a gap; never
// judged as absent.
func TestLegacyFields(t *testing.T) {
	cluster := func(api, props string) string {
		return tmplHead + `"resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "` + api + `", "name": "c",
			"properties": {` + props + `}}]}`
	}
	res := loadtest.LoadString(t, cluster("2019-02-01", `"dnsPrefix": "c",
		"apiServerAuthorizedIPRanges": ["10.0.0.0/8"]`))
	c := loadtest.Clusters(res)[0]
	ap := c.Model.Properties.APIServerAccessProfile
	if ap == nil || len(ap.AuthorizedIPRanges) != 1 || *ap.AuthorizedIPRanges[0] != "10.0.0.0/8" {
		t.Errorf("apiServerAuthorizedIPRanges of 2019-02-01 not read: %+v", ap)
	}
	if l := res.Objects[0].Locate("properties.apiServerAccessProfile.authorizedIPRanges"); l.Line != 3 {
		t.Errorf("located at %v, want line 3 where the old field is", l)
	}
	res = loadtest.LoadString(t, cluster("2021-07-01", `"securityProfile": {"azureDefender": {"enabled": true, "logAnalyticsWorkspaceResourceId": "/w"}}`))
	d := loadtest.Clusters(res)[0].Model.Properties.SecurityProfile
	if d == nil || d.Defender == nil || d.Defender.SecurityMonitoring == nil || !*d.Defender.SecurityMonitoring.Enabled || *d.Defender.LogAnalyticsWorkspaceResourceID != "/w" {
		t.Errorf("securityProfile.azureDefender not read: %+v", d)
	}
	// az output of the old API: the same field, flattened.
	res = loadtest.LoadString(t, `{"type": "Microsoft.ContainerService/ManagedClusters", "name": "c", "apiServerAuthorizedIpRanges": ["10.0.0.0/8"]}`)
	if ap := loadtest.Clusters(res)[0].Model.Properties.APIServerAccessProfile; ap == nil || len(ap.AuthorizedIPRanges) != 1 {
		t.Errorf("az output's apiServerAuthorizedIpRanges not read: %+v", ap)
	}
	for api, gap := range map[string]bool{"2018-03-31": true, "[parameters('v')]": true, "2019-06-01": false, "2025-01-01": false} {
		res = loadtest.LoadString(t, strings.Replace(cluster(api, `"enableRBAC": true`), `"resources"`, `"parameters": {"v": {"type": "string"}}, "resources"`, 1))
		_, has := loadtest.Clusters(res)[0].Gaps["properties"]
		if has != gap {
			t.Errorf("apiVersion %s: gap on properties %v, want %v", api, has, gap)
		}
	}
}
