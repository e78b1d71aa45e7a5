package policy

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	p, err := Parse("bulwark.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
failOn: medium
images:
  allowedRegistries: [myacr.azurecr.io, mcr.microsoft.com/oss, "localhost:5000"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.FailOn != "medium" || len(p.Images.AllowedRegistries) != 3 {
		t.Errorf("decoded %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ name, doc, want string }{
		{"unknown field", "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailon: high\n", "bulwark.yaml:3: field failon not found"},
		{"bad severity", "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: severe\n", `failOn: unknown severity "severe"`},
		{"wrong kind", "apiVersion: bulwark.dev/v1alpha1\nkind: Polcy\n", "kind must be Policy"},
		{"wrong version", "apiVersion: v1\nkind: Policy\n", "apiVersion must be bulwark.dev/v1alpha1"},
		{"bad registry", "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nimages:\n  allowedRegistries: [\"https://x.io\"]\n", "allowedRegistries[0]"},
		{"syntax", "apiVersion: [\n", "bulwark.yaml:"},
		{"empty", "", "empty policy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bulwark.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
