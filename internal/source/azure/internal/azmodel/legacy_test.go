package azmodel_test

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

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
