package azure

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/arm"
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
			res := loadString(t, tc.doc)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors[0])
			}
			var got []string
			for _, r := range registries(res) {
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
			res := loadString(t, tc.doc)
			if len(res.Errors) == 0 {
				t.Fatal("no error: the rest of the file was dropped silently")
			}
			if e := res.Errors[0]; e.Line != tc.line || !strings.Contains(e.Msg, "JSON") {
				t.Errorf("error %v, want one at line %d", e, tc.line)
			}
		})
	}
	// Positions stay those of the file, not of the document.
	res := loadString(t, reg("a")+"\n\n"+reg("b"))
	if o := res.Objects[1]; o.Loc.Line != 3 {
		t.Errorf("second document at line %d, want 3", o.Loc.Line)
	}
}

const tmplHead = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",`

// hostileTemplates grow without bound in one way each; every one must end
// in an error naming the limit, at a line of the file.
var hostileTemplates = map[string]struct {
	doc, limit string
}{
	"concat doubling": {tmplHead + `"variables": {` + doubling("concat(variables('v%d'), variables('v%d'))", 40) + `},
		"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "[variables('v40')]"}]}`, "bytes (limit)"},
	"replace doubling": {tmplHead + `"variables": {` + doubling("replace(variables('v%d'), 'x', concat('x', 'x')) ", 40) + `},
		"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "[variables('v40')]"}]}`, "bytes (limit)"},
	"nested copies": {tmplHead + `"resources": [{"type": "Microsoft.ContainerService/managedClusters", "name": "c", "copy": {"name": "r", "count": 800},
		"properties": {"copy": [{"name": "agentPoolProfiles", "count": 800, "input": {"name": "p", "tags": {"copy": [{"name": "t", "count": 800, "input": "x"}]}}}]}}]}`, "copy-loop iterations in one run (limit)"},
	"range": {tmplHead + `"resources": [{"type": "Microsoft.ContainerRegistry/registries", "copy": {"name": "r", "count": 800}, "name": "[concat('r', string(copyIndex()))]",
		"properties": {"copy": [{"name": "x", "count": 800, "input": "[range(0, 10000)]"}]}}]}`, "(limit)"},
	"shared parts": {tmplHead + `"variables": {` + doubling("createArray(variables('v%d'), variables('v%d'))", 40) + `},
		"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "tags": "[variables('v40')]"}]}`, "bytes (limit)"},
	"shared parts without functions": {tmplHead + `"variables": {` + objectDoubling(40) + `},
		"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "tags": "[variables('v40')]"}]}`, "(limit)"},
	"variable chain": {tmplHead + `"variables": {` + chain(5000) + `},
		"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "[variables('v5000')]"}]}`, "levels deep (limit)"},
}

func doubling(f string, n int) string {
	var b strings.Builder
	b.WriteString(`"v0": "xxxxxxxxxxxxxxxx"`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `, "v%d": "[%s]"`, i, fmt.Sprintf(strings.ReplaceAll(f, "%d", "%[1]d"), i-1))
	}
	return b.String()
}

func objectDoubling(n int) string {
	var b strings.Builder
	b.WriteString(`"v0": "xxxxxxxxxxxxxxxx"`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `, "v%d": {"a": "[variables('v%d')]", "b": "[variables('v%d')]"}`, i, i-1, i-1)
	}
	return b.String()
}

func chain(n int) string {
	var b strings.Builder
	b.WriteString(`"v0": "x"`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `, "v%d": "[variables('v%d')]"`, i, i-1)
	}
	return b.String()
}

func TestTemplateLimits(t *testing.T) {
	for name, tc := range hostileTemplates {
		t.Run(name, func(t *testing.T) {
			res := loadString(t, tc.doc)
			if len(res.Errors) == 0 {
				t.Fatalf("no error; %d objects", len(res.Objects))
			}
			e := res.Errors[0]
			if !strings.Contains(e.Msg, tc.limit) || e.Line < 1 {
				t.Errorf("error %v, want %q at a line", e, tc.limit)
			}
			if len(res.Objects) != 0 {
				t.Errorf("%d objects judged from a template that was not evaluated whole", len(res.Objects))
			}
		})
	}
	// The budget is the run's: documents read after it ran out are errors too.
	res := loadString(t, hostileTemplates["concat doubling"].doc+reg("after"))
	if len(res.Errors) == 0 || len(registries(res)) != 0 {
		t.Errorf("after the limit: errors %v, registries %d", res.Errors, len(registries(res)))
	}
}

// TestSecureParameters: nothing derived from a secure parameter reaches a
// value, a name, a gap reason or an error.
func TestSecureParameters(t *testing.T) {
	const marker = "S3cr3tMarker"
	doc := tmplHead + `"parameters": {
		"pw": {"type": "secureString", "defaultValue": "` + marker + `"},
		"obj": {"type": "secureObject", "defaultValue": {"k": "` + marker + `"}},
		"fromFile": {"type": "securestring"}},
	"resources": [
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(parameters('pw')))]", "tags": {
			"u": "[uniqueString(resourceGroup().id, parameters('pw'))]", "g": "[guid(parameters('obj').k)]",
			"c": "[concat(parameters('pw'), 'x')]", "f": "[format('{0}', parameters('fromFile'))]",
			"t": "[parameters('pw').notAProperty]", "i": "[parameters('obj')[parameters('pw')]]",
			"a": "[add(parameters('pw'), 1)]", "s": "[string(parameters('obj'))]", "b": "[if(equals(parameters('pw'), 'x'), 'y', 'z')]",
			"l": "[length(parameters('pw'))]", "fmt": "[format(parameters('pw'), 1)]", "j": "[json(parameters('pw'))]",
			"o": "[string(createObject('k', parameters('pw')))]", "sp": "[split(parameters('pw'), 'M')[0]]"}},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[parameters('pw')]", "properties": {"adminUserEnabled": "[parameters('pw')]"}},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[parameters('fromFile')]", "properties": {"anonymousPullEnabled": "[parameters('obj').k]"}}
	]}`
	dir := t.TempDir()
	params := dir + "/p.json"
	writeFile(t, params, `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"fromFile": {"value": "`+marker+`"}}}`)
	res, err := Load(t.Context(), []string{"-"}, Options{Stdin: strings.NewReader(doc), Parameters: []string{params}})
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprintf("%+v %v %v", res.Warnings, res.Skipped, res.Errors)
	for _, e := range res.Errors {
		all += e.Error()
	}
	for _, o := range res.Objects {
		all += fmt.Sprintf("%s %v %+v %#v", o.Meta.Name, o.Loc, o.Typed, o.Typed)
		if r, ok := o.Typed.(interface{ SubjectName() string }); ok {
			all += r.SubjectName()
		}
	}
	for _, r := range registries(res) {
		all += fmt.Sprintf("%v %v %v", r.Raw, r.Gaps, r.Name)
		for k, v := range r.Model.Tags {
			if v != nil {
				all += k + *v
			}
		}
	}
	if strings.Contains(all, marker) || strings.Contains(all, "S3cr3t") {
		t.Fatalf("the secure value leaked: %s", all)
	}
	if !strings.Contains(all, "{uniqueString("+arm.Redacted+")}") {
		t.Errorf("no readable placeholder with the secure part redacted: %s", all)
	}
}

// TestDeploymentTimeNames: names made at deployment stay readable and
// distinct, per expression and per resource.
func TestDeploymentTimeNames(t *testing.T) {
	doc := tmplHead + `"parameters": {"n": {"type": "int", "defaultValue": 2}, "unset": {"type": "string"}}, "resources": [
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(resourceGroup().id, 'acr1'))]"},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(resourceGroup().id, 'acr2'))]"},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString('acr3', resourceGroup().id))]"},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(subscription().subscriptionId, 'x'))]"},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('acr', uniqueString(resourceGroup().id, string(copyIndex())))]", "copy": {"name": "c", "count": "[parameters('n')]"}},
		{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('u', parameters('unset'))]", "copy": {"name": "d", "count": 2}}
	]}`
	res := loadString(t, doc)
	want := []string{
		"acr{uniqueString(resourceGroup().id, 'acr1')}",
		"acr{uniqueString(resourceGroup().id, 'acr2')}",
		"acr{uniqueString('acr3', resourceGroup().id)}",
		"acr{uniqueString(subscription().subscriptionId, 'x')}",
		"acr{uniqueString(resourceGroup().id, '0')}",
		"acr{uniqueString(resourceGroup().id, '1')}",
	}
	got := map[string]bool{}
	ids := map[string]bool{}
	for _, o := range res.Objects {
		got[o.Meta.Name] = true
		ids[o.Meta.Name+"|"+o.Loc.String()] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no registry named %s; have %v", w, got)
		}
	}
	if len(got) != 8 {
		t.Errorf("%d distinct names for 8 registries: %v", len(got), got)
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLegacyFields: fields of older API versions that still deploy are
// read where the checks look, or the apiVersion makes them a gap; never
// judged as absent.
func TestLegacyFields(t *testing.T) {
	cluster := func(api, props string) string {
		return tmplHead + `"resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "` + api + `", "name": "c",
			"properties": {` + props + `}}]}`
	}
	res := loadString(t, cluster("2019-02-01", `"dnsPrefix": "c",
		"apiServerAuthorizedIPRanges": ["10.0.0.0/8"]`))
	c := clusters(res)[0]
	ap := c.Model.Properties.APIServerAccessProfile
	if ap == nil || len(ap.AuthorizedIPRanges) != 1 || *ap.AuthorizedIPRanges[0] != "10.0.0.0/8" {
		t.Errorf("apiServerAuthorizedIPRanges of 2019-02-01 not read: %+v", ap)
	}
	if l := res.Objects[0].Locate("properties.apiServerAccessProfile.authorizedIPRanges"); l.Line != 3 {
		t.Errorf("located at %v, want line 3 where the old field is", l)
	}
	res = loadString(t, cluster("2021-07-01", `"securityProfile": {"azureDefender": {"enabled": true, "logAnalyticsWorkspaceResourceId": "/w"}}`))
	d := clusters(res)[0].Model.Properties.SecurityProfile
	if d == nil || d.Defender == nil || d.Defender.SecurityMonitoring == nil || !*d.Defender.SecurityMonitoring.Enabled || *d.Defender.LogAnalyticsWorkspaceResourceID != "/w" {
		t.Errorf("securityProfile.azureDefender not read: %+v", d)
	}
	// az output of the old API: the same field, flattened.
	res = loadString(t, `{"type": "Microsoft.ContainerService/ManagedClusters", "name": "c", "apiServerAuthorizedIpRanges": ["10.0.0.0/8"]}`)
	if ap := clusters(res)[0].Model.Properties.APIServerAccessProfile; ap == nil || len(ap.AuthorizedIPRanges) != 1 {
		t.Errorf("az output's apiServerAuthorizedIpRanges not read: %+v", ap)
	}
	for api, gap := range map[string]bool{"2018-03-31": true, "[parameters('v')]": true, "2019-06-01": false, "2025-01-01": false} {
		res = loadString(t, strings.Replace(cluster(api, `"enableRBAC": true`), `"resources"`, `"parameters": {"v": {"type": "string"}}, "resources"`, 1))
		_, has := clusters(res)[0].Gaps["properties"]
		if has != gap {
			t.Errorf("apiVersion %s: gap on properties %v, want %v", api, has, gap)
		}
	}
}
