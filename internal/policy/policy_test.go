package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/bulwark-sec/bulwark/internal/checks" // the catalog ids are validated against
	"github.com/bulwark-sec/bulwark/internal/finding"
)

const full = `apiVersion: bulwark.dev/v1alpha1
kind: Policy
failOn: medium
severityOverrides:
  K8S-029: high
  k8s-040: low
checks:
  include: [pod-security, images, K8S-070]
  exclude: [K8S-042]
gracePeriods:
  critical: 0d
  high: 2w
  medium: 30d
exceptions:
- checks: [K8S-001]
  resources: {kind: DaemonSet, namespace: logging, name: "agent-*", labels: {team: obs}}
  reason: needs host access until the migration
  owner: obs@contoso.com
  expires: 2027-01-31
annotationExceptions: true
images:
  allowedRegistries: [myacr.azurecr.io, mcr.microsoft.com/oss, "localhost:5000"]
`

func TestParseFull(t *testing.T) {
	p, err := Parse("bulwark.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if p.FailOn.Value != "medium" || len(p.Images.AllowedRegistries) != 3 || !p.AnnotationExceptions {
		t.Errorf("decoded %+v", p)
	}
	if got := p.Severity("K8S-029", finding.SeverityLow); got != finding.SeverityHigh {
		t.Errorf("override K8S-029 = %v", got)
	}
	if got := p.Severity("K8S-040", finding.SeverityMedium); got != finding.SeverityLow {
		t.Errorf("case-insensitive override K8S-040 = %v", got)
	}
	if d, ok := p.Grace(finding.SeverityHigh); !ok || d != 14 {
		t.Errorf("high grace = %d, %v", d, ok)
	}
	if _, ok := p.Grace(finding.SeverityLow); ok {
		t.Error("low has no grace period but got one")
	}
	if e := p.Exceptions[0]; e.Line != 15 || e.Expires.String() != "2027-01-31" || e.Where(p.Source) != "bulwark.yaml:15" {
		t.Errorf("exception %+v at %s", e, e.Where(p.Source))
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings %v", p.Warnings)
	}
}

func TestParseErrors(t *testing.T) {
	head := "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\n"
	for _, tt := range []struct{ name, doc, want string }{
		{"unknown field", head + "failon: high\n", "bulwark.yaml:3: field failon not found"},
		{"bad severity", head + "failOn: severe\n", `bulwark.yaml:3: failOn: unknown severity "severe"`},
		{"typo in override id", head + "severityOverrides:\n  K8S-0001: low\n", `bulwark.yaml:4: severityOverrides: unknown check id "K8S-0001"`},
		{"typo in exception id", head + "exceptions:\n- checks: [K8S-001, K8S-9999]\n  reason: r\n  owner: o\n  expires: 2027-01-01\n", `bulwark.yaml:4: exceptions[0].checks: unknown check id "K8S-9999"`},
		{"unknown area", head + "checks:\n  exclude: [resource]\n", `bulwark.yaml:4: checks.exclude: "resource" is neither a check id nor an area`},
		{"bad date", head + "exceptions:\n- checks: [K8S-001]\n  reason: r\n  owner: o\n  expires: 2027-02-30\n", `bulwark.yaml:7: "2027-02-30" is not a date`},
		{"expiry centuries away", head + "exceptions:\n- checks: [K8S-001]\n  reason: r\n  owner: o\n  expires: 2207-01-31\n", `bulwark.yaml:7: "2207-01-31" is out of range: dates fall between 2000-01-01 and 2099-12-31`},
		{"expiry in year 1", head + "exceptions:\n- checks: [K8S-001]\n  reason: r\n  owner: o\n  expires: 0001-01-01\n", `bulwark.yaml:7: "0001-01-01" is out of range`},
		{"missing expiry", head + "exceptions:\n- checks: [K8S-001]\n  reason: r\n  owner: o\n", "bulwark.yaml:4: exceptions[0]: expires is required"},
		{"missing owner and reason", head + "exceptions:\n- checks: [K8S-001]\n  expires: 2027-01-01\n", "owner is required"},
		{"bad duration", head + "gracePeriods:\n  high: 14 days\n", `bulwark.yaml:4: "14 days" is not a duration`},
		{"duplicate override", head + "severityOverrides:\n  K8S-001: low\n  k8s-001: high\n", "already set on line 4"},
		{"wrong kind", "apiVersion: bulwark.dev/v1alpha1\nkind: Polcy\n", "bulwark.yaml:2: kind must be Policy"},
		{"wrong version", "apiVersion: v1\nkind: Policy\n", "apiVersion must be bulwark.dev/v1alpha1"},
		{"bad registry", head + "images:\n  allowedRegistries: [\"https://x.io\"]\n", "allowedRegistries[0]"},
		{"syntax", "apiVersion: [\n", "bulwark.yaml:"},
		{"empty", "", "empty policy"},
		{"two documents", head + "---\n" + head, "one document"},
		{"bad unrated", head + "vulnerabilities:\n  unrated: severe\n", `bulwark.yaml:4: vulnerabilities.unrated: unknown severity "severe"`},
		{"unrated and an IMG-005 override", head + "severityOverrides:\n  IMG-005: low\nvulnerabilities:\n  unrated: ignore\n", "bulwark.yaml:6: vulnerabilities.unrated: severityOverrides sets IMG-005 (the unrated advisories) on line 4 already"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bulwark.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestImageSettings(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "bulwark.yaml")
	p, err := Parse(name, []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nimages:\n  trustPolicy: notation\nvulnerabilities:\n  ignoreUnfixed: true\n  failOn: critical\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 0 || !p.Vulnerabilities.IgnoreUnfixed || p.Vulnerabilities.FailOn.Value != "critical" {
		t.Errorf("decoded %+v, warnings %v", p.Vulnerabilities, p.Warnings)
	}
	ref, err := p.Images.Trust(p.Source)
	if err != nil || ref.Dir != filepath.Join(dir, "notation") || ref.Inline != nil {
		t.Errorf("trust ref %+v, %v: want the directory beside the policy file", ref, err)
	}

	inline := "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nimages:\n  trustStore: store\n  trustPolicy:\n    version: \"1.0\"\n    trustPolicies:\n    - name: prod\n      registryScopes: [\"*\"]\n"
	p, err = Parse(name, []byte(inline))
	if err != nil {
		t.Fatal(err)
	}
	ref, err = p.Images.Trust(p.Source)
	if err != nil || ref.StoreDir != filepath.Join(dir, "store") || !strings.Contains(string(ref.Inline), `"trustPolicies":[{"name":"prod","registryScopes":["*"]}]`) {
		t.Errorf("inline trust ref %+v (%s), %v", ref, ref.Inline, err)
	}

	for doc, want := range map[string]string{
		"images:\n  trustPolicy:\n    version: \"1.0\"\n": "needs images.trustStore",
		"images:\n  trustPolicy: dir\n  trustStore: s\n":  "only for an inline trust policy",
		"images:\n  trustStore: s\n":                      "without images.trustPolicy",
		"images:\n  trustPolicy: \"\"\n":                  "want a path",
	} {
		_, err := Parse("p.yaml", []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\n"+doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", doc, err, want)
		}
	}
}

func TestStarterIsValid(t *testing.T) {
	p, err := Parse("starter.yaml", []byte(Starter))
	if err != nil {
		t.Fatal(err)
	}
	if p.FailOn.Value != "high" || !p.HasGrace() {
		t.Errorf("starter decoded as %+v", p)
	}
}

func TestFindStopsAtRepositoryRoot(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deep := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	// A policy above the repository must not be picked up.
	if err := os.WriteFile(filepath.Join(root, FileName), []byte(Starter), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(deep); got != "" {
		t.Errorf("Find went past the repository root: %s", got)
	}
	if err := os.WriteFile(filepath.Join(repo, FileName), []byte(Starter), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(deep); got != filepath.Join(repo, FileName) {
		t.Errorf("Find = %q", got)
	}
}

// An exception may name the advisories it accepts: by OSV id or alias,
// globs allowed, and only for vulnerability checks.
func TestExceptionByAdvisory(t *testing.T) {
	p, err := Parse("p.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [IMG-002, IMG-005]
  resources: {image: "myacr.azurecr.io/shop/*", vulnerabilities: [CVE-2026-11*, go-2021-0113]}
  reason: not reachable in our use
  owner: shop@contoso.com
  expires: 2027-01-31
`))
	if err != nil {
		t.Fatal(err)
	}
	e := &p.Exceptions[0]
	f := func(check string, ids ...string) *finding.Finding {
		return &finding.Finding{CheckID: check, Evidence: "myacr.azurecr.io/shop/api:1", Advisories: ids}
	}
	for _, tt := range []struct {
		f    *finding.Finding
		want bool
	}{
		{f("IMG-002", "DSA-9001-1", "CVE-2026-1111"), true},    // by alias glob
		{f("IMG-005", "GO-2021-0113", "CVE-2021-38561"), true}, // by id, case-insensitive
		{f("IMG-002", "DSA-9002-1", "CVE-2026-2222"), false},   // another advisory
		{f("IMG-001", "DSA-9001-1", "CVE-2026-1111"), false},   // another check
		{f("IMG-002"), false},                                  // no advisories
	} {
		if got := e.Covers(tt.f, Object{}); got != tt.want {
			t.Errorf("%s %v: covers %v, want %v", tt.f.CheckID, tt.f.Advisories, got, tt.want)
		}
	}
	_, err = Parse("p.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [K8S-001]
  resources: {vulnerabilities: [CVE-2026-1111]}
  reason: r
  owner: o
  expires: 2027-01-31
`))
	if err == nil || !strings.Contains(err.Error(), "only vulnerability checks") {
		t.Errorf("advisories on a non-vulnerability check: %v", err)
	}
}
