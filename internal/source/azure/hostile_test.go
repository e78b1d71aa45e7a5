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
