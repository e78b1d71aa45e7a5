package adversarial

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Hostile Azure inputs for `scan aks`: ARM templates whose evaluation
// multiplies (nested copy loops, doubling concat/replace, range, shared
// parts, variable chains), documents deep and wide enough to test the
// position index, and files of several documents. Each input is a few
// kilobytes to a few hundred; each run must end in bounded time and
// memory, with exit 2 and the limit named at a line when it is hostile.

const armHead = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
`

func armDoubling(f string, n int) string {
	var b strings.Builder
	b.WriteString(`"v0": "xxxxxxxxxxxxxxxx"`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, ",\n"+`"v%d": "[%s]"`, i, strings.ReplaceAll(f, "%d", fmt.Sprint(i-1)))
	}
	return b.String()
}

func TestARMEvaluationBounded(t *testing.T) {
	registry := `"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "tags": {"t": "[variables('v40')]"}}]}`
	cases := []struct {
		name, doc, msg string
	}{
		{"concat doubling", armHead + `"variables": {` + armDoubling("concat(variables('v%d'), variables('v%d'))", 40) + "},\n" + registry, "bytes (limit)"},
		{"replace doubling", armHead + `"variables": {` + armDoubling("replace(variables('v%d'), 'x', 'xx')", 40) + "},\n" + registry, "bytes (limit)"},
		{"shared parts", armHead + `"variables": {` + armDoubling("createArray(variables('v%d'), variables('v%d'))", 40) + "},\n" + registry, "bytes (limit)"},
		{"format doubling", armHead + `"variables": {` + armDoubling("format('{0}{0}', variables('v%d'))", 40) + "},\n" + registry, "bytes (limit)"},
		{"nested copies", armHead + `"resources": [{"type": "Microsoft.ContainerService/managedClusters", "name": "c", "copy": {"name": "r", "count": 800},
"properties": {"copy": [{"name": "agentPoolProfiles", "count": 800, "input": {"name": "p", "tags": {"copy": [{"name": "t", "count": 800, "input": "x"}]}}}]}}]}`, "copy-loop iterations in one run (limit)"},
		{"range", armHead + `"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('r', string(copyIndex()))]", "copy": {"name": "r", "count": 800},
"properties": {"copy": [{"name": "x", "count": 800, "input": "[range(0, 10000)]"}]}}]}`, "(limit)"},
		{"nested deployments in copies", armHead + `"resources": [` + nestedDeployments(8) + `]}`, "(limit)"},
		{"variable chain", armHead + `"variables": {` + armDoubling("variables('v%d')", 5000) + "},\n" + strings.Replace(registry, "v40", "v5000", 1), "levels deep (limit)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := WriteFile(t, t.TempDir(), "main.json", []byte(tc.doc))
			r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
			ExpectBoundError(t, r, int64(len(tc.doc)), 20, "main.json:", tc.msg)
		})
	}
}

// nestedDeployments nests inline deployments, each in a copy loop of 800.
func nestedDeployments(depth int) string {
	inner := `{"type": "Microsoft.ContainerRegistry/registries", "name": "[concat('r', string(copyIndex()))]", "copy": {"name": "x", "count": 800}}`
	for i := 0; i < depth; i++ {
		inner = fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "name": "[concat('d%d', string(copyIndex()))]", "copy": {"name": "d%d", "count": 800},
"properties": {"mode": "Incremental", "template": {"contentVersion": "1.0.0.0", "resources": [%s]}}}`, i, i, inner)
	}
	return inner
}

// TestARMDeepWideDocument: a document as deep as allowed with long keys
// and a wide list at the bottom (the position index once held a full path
// per field: 272 KB took all memory) is read within the bound; one level
// deeper is an error at its line.
func TestARMDeepWideDocument(t *testing.T) {
	for name, head := range map[string]string{
		"az document": `{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "properties": {"adminUserEnabled": false, "x": `,
		// A template's values are evaluated and their positions recorded
		// too: the same shape in a template resource.
		"template": armHead + `"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "properties": {"adminUserEnabled": false, "x": `,
	} {
		t.Run(name, func(t *testing.T) {
			tail := "}}"
			if name == "template" {
				tail = "}}]}"
			}
			deepWide(t, head, tail)
		})
	}
	tooDeep := strings.Repeat("[", 300) + strings.Repeat("]", 300)
	p := WriteFile(t, t.TempDir(), "nest.json", []byte(tooDeep))
	r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
	ExpectBoundError(t, r, int64(len(tooDeep)), 20, "nest.json:1:")
}

func deepWide(t *testing.T, head, tail string) {
	var b bytes.Buffer
	b.WriteString(head)
	key := strings.Repeat("k", 1000)
	const depth = 200
	for range depth {
		b.WriteString(`{"` + key + `": `)
	}
	b.WriteString("[")
	for i := range 10000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"a": 1}`)
	}
	b.WriteString("]")
	b.WriteString(strings.Repeat("}", depth))
	b.WriteString(tail)
	doc := b.Bytes()
	if len(doc) < 272<<10 {
		t.Fatalf("input %d bytes, want at least 272 KiB", len(doc))
	}
	p := WriteFile(t, t.TempDir(), "deep.json", doc)
	r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
	if r.Code != 0 && r.Code != 1 {
		t.Errorf("exit %d, want the registry judged (0 or 1); %s", r.Code, r)
	}
	if !strings.Contains(r.Stdout, `"ACR-001"`) {
		t.Errorf("the registry was not judged: %s", clip(r.Stdout))
	}
	ExpectNoPanic(t, r)
	ExpectRSS(t, r, int64(len(doc)), 20)
}

// TestARMSeveralDocuments: every document of a file is judged; trailing
// garbage fails the run at its line.
func TestARMSeveralDocuments(t *testing.T) {
	var b bytes.Buffer
	const n = 500
	for i := range n {
		fmt.Fprintf(&b, `{"type": "Microsoft.ContainerRegistry/registries", "name": "acr%d", "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr%d", "properties": {"adminUserEnabled": true}}`, i, i)
		if i%2 == 0 {
			b.WriteString("\n")
		}
	}
	dir := t.TempDir()
	p := WriteFile(t, dir, "all.json", b.Bytes())
	r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json", "--checks", "ACR-001")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1; %s", r.Code, r)
	}
	var rep struct {
		Findings []struct{ CheckID string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != n {
		t.Errorf("%d ACR-001 findings, want one per document (%d)", len(rep.Findings), n)
	}
	ExpectRSS(t, r, int64(b.Len()), 20)

	b.WriteString("\n\ngarbage")
	p = WriteFile(t, dir, "garbage.json", b.Bytes())
	r = Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
	lines := bytes.Count(b.Bytes(), []byte("\n")) + 1
	ExpectBoundError(t, r, int64(b.Len()), 20, fmt.Sprintf("garbage.json:%d: invalid JSON", lines))
}

// TestARMTooManyValues: a file of more JSON values than a run reads is
// refused before it is parsed, at its line.
func TestARMTooManyValues(t *testing.T) {
	doc := "[" + strings.Repeat("1,", 2_100_000) + "1]"
	p := WriteFile(t, t.TempDir(), "values.json", []byte(doc))
	r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
	ExpectBoundError(t, r, int64(len(doc)), 20, "values.json:1: more than 2000000 JSON values")
}
