package arm_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/arm"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

const registryDoc = `{"type": "Microsoft.ContainerRegistry/registries", "name": "%s", "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/%s", "properties": {"adminUserEnabled": true}}`

func reg(name string) string { return fmt.Sprintf(registryDoc, name, name) }

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
			res := loadtest.LoadString(t, tc.doc)
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
	res := loadtest.LoadString(t, hostileTemplates["concat doubling"].doc+reg("after"))
	if len(res.Errors) == 0 || len(loadtest.Registries(res)) != 0 {
		t.Errorf("after the limit: errors %v, registries %d", res.Errors, len(loadtest.Registries(res)))
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
	res, err := azure.Load(t.Context(), []string{"-"}, azure.Options{Stdin: strings.NewReader(doc), Parameters: []string{params}})
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
	for _, r := range loadtest.Registries(res) {
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
	res := loadtest.LoadString(t, doc)
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
