package render

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// The subset of SARIF the tests read back.
type sLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []sRun `json:"runs"`
}

type sRun struct {
	Tool struct {
		Driver struct {
			Name            string  `json:"name"`
			Version         string  `json:"version"`
			SemanticVersion string  `json:"semanticVersion"`
			InformationURI  string  `json:"informationUri"`
			Rules           []sRule `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	Results            *[]sResult                 `json:"results"`
	OriginalURIBaseIDs map[string]json.RawMessage `json:"originalUriBaseIds"`
	Invocations        []struct {
		ExecutionSuccessful *bool `json:"executionSuccessful"`
		Notifications       []struct {
			Level          string `json:"level"`
			Message        sMsg   `json:"message"`
			Locations      []sLoc `json:"locations"`
			AssociatedRule *struct {
				ID    string `json:"id"`
				Index int    `json:"index"`
			} `json:"associatedRule"`
		} `json:"toolExecutionNotifications"`
	} `json:"invocations"`
}

type sMsg struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sRule struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	ShortDescription     sMsg   `json:"shortDescription"`
	FullDescription      sMsg   `json:"fullDescription"`
	Help                 sMsg   `json:"help"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity"`
	} `json:"properties"`
}

type sResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sMsg              `json:"message"`
	Locations           []sLoc            `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
	RelatedLocations    []struct {
		ID      int  `json:"id"`
		Message sMsg `json:"message"`
		sLoc
	} `json:"relatedLocations"`
}

type sLoc struct {
	PhysicalLocation *struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
	LogicalLocations []struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	} `json:"logicalLocations"`
}

func renderSARIF(t testing.TB, rep *report.Report) ([]byte, sLog) {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, rep); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("SARIF output is not valid JSON:\n%s", buf.String())
	}
	var log sLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs, want 2.1.0 with 1 run", log.Version, len(log.Runs))
	}
	return buf.Bytes(), log
}

func TestSARIFSample(t *testing.T) {
	rep := sampleReport()
	_, log := renderSARIF(t, rep)
	run := log.Runs[0]

	d := run.Tool.Driver
	if d.Name != "bulwark" || d.Version != "0.3.0" || d.SemanticVersion != "0.3.0" || d.InformationURI != "https://github.com/bulwark-sec/bulwark" {
		t.Errorf("driver = %q %q %q %q", d.Name, d.Version, d.SemanticVersion, d.InformationURI)
	}
	if len(d.Rules) != 2 {
		t.Fatalf("%d rules, want 2", len(d.Rules))
	}
	r0, r1 := d.Rules[0], d.Rules[1]
	if r0.ID != "K8S-001" || r0.Name != "PrivilegedContainer" || r1.ID != "K8S-016" || r1.Name != "RunAsNonRootNotTrue" {
		t.Errorf("rules = %s/%s, %s/%s", r0.ID, r0.Name, r1.ID, r1.Name)
	}
	if r0.ShortDescription.Text != metaPrivileged.Title || r0.FullDescription.Text != metaPrivileged.Description {
		t.Errorf("rule descriptions = %q / %q", r0.ShortDescription.Text, r0.FullDescription.Text)
	}
	for _, want := range []string{metaPrivileged.Description, metaPrivileged.Remediation, "PV-4"} {
		if !strings.Contains(r0.Help.Text, want) {
			t.Errorf("help text lacks %q:\n%s", want, r0.Help.Text)
		}
	}
	if !strings.Contains(r0.Help.Markdown, "**Remediation:**") {
		t.Errorf("help markdown = %q", r0.Help.Markdown)
	}
	if r0.Properties.SecuritySeverity != "9.5" || r1.Properties.SecuritySeverity != "5.5" {
		t.Errorf("security-severity = %q, %q", r0.Properties.SecuritySeverity, r1.Properties.SecuritySeverity)
	}
	if r0.DefaultConfiguration.Level != "error" || r1.DefaultConfiguration.Level != "warning" {
		t.Errorf("default levels = %q, %q", r0.DefaultConfiguration.Level, r1.DefaultConfiguration.Level)
	}
	for _, tag := range []string{"security", "pod-security", "container", "PSS:baseline/privileged", "CIS-AKS:4.2.1", "ASB:PV-4", "ASB:PA-7"} {
		if !slices.Contains(r0.Properties.Tags, tag) {
			t.Errorf("rule tags %q lack %q", r0.Properties.Tags, tag)
		}
	}

	if run.Results == nil || len(*run.Results) != 3 {
		t.Fatalf("results = %v, want 3", run.Results)
	}
	fps := map[string]string{}
	for _, f := range rep.Findings {
		fps[f.Fingerprint] = f.CheckID
	}
	for i, res := range *run.Results {
		if res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(d.Rules) || d.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %v does not point at rule %s", i, res.RuleIndex, res.RuleID)
		}
		fp := res.PartialFingerprints[fingerprintKey]
		if fps[fp] != res.RuleID {
			t.Errorf("result %d: partial fingerprint %q is not a %s finding's", i, fp, res.RuleID)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil || len(res.Locations[0].LogicalLocations) != 1 {
			t.Fatalf("result %d: locations = %+v", i, res.Locations)
		}
		if u := res.Locations[0].PhysicalLocation.ArtifactLocation; u.URIBaseID != srcRoot {
			t.Errorf("result %d: uriBaseId = %q", i, u.URIBaseID)
		}
		if _, ok := res.Properties["blocking"].(bool); !ok {
			t.Errorf("result %d: properties.blocking = %v", i, res.Properties["blocking"])
		}
	}

	// Sorted by file and line: the Line 0 finding in charts/ first.
	res := *run.Results
	loc := res[0].Locations[0]
	if loc.PhysicalLocation.ArtifactLocation.URI != "charts/my%20app/pod.yaml" || loc.PhysicalLocation.Region != nil {
		t.Errorf("line 0 result: uri %q, region %+v; want escaped uri and no region", loc.PhysicalLocation.ArtifactLocation.URI, loc.PhysicalLocation.Region)
	}
	if loc.LogicalLocations[0].FullyQualifiedName != "Pod/tools/debug" || loc.LogicalLocations[0].Name != "debug" {
		t.Errorf("logical location = %+v", loc.LogicalLocations[0])
	}
	if res[0].Level != "error" || res[1].Level != "warning" || res[2].Level != "error" {
		t.Errorf("levels = %s %s %s, want error warning error", res[0].Level, res[1].Level, res[2].Level)
	}
	if r := res[1].Locations[0].PhysicalLocation.Region; r == nil || r.StartLine != 5 || r.StartColumn != 3 {
		t.Errorf("region = %+v, want 5:3", r)
	}
	if r := res[2].Locations[0].PhysicalLocation.Region; r == nil || r.StartLine != 12 || r.StartColumn != 9 {
		t.Errorf("region = %+v, want 12:9", r)
	}
	if got, want := res[2].Message.Text, `container "web" is privileged [spec.template.spec.containers[0].securityContext.privileged]`; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if res[2].Properties["field"] != "spec.template.spec.containers[0].securityContext.privileged" || res[2].Properties["evidence"] != "true" || res[2].Properties["blocking"] != true {
		t.Errorf("properties = %v", res[2].Properties)
	}
	if res[1].Properties["blocking"] != false {
		t.Errorf("medium finding blocking = %v", res[1].Properties["blocking"])
	}
	if subj, _ := res[2].Properties["subject"].(map[string]any); subj["kind"] != "Deployment" || subj["namespace"] != "default" || subj["name"] != "web" {
		t.Errorf("subject = %v", res[2].Properties["subject"])
	}

	if _, ok := run.OriginalURIBaseIDs[srcRoot]; !ok {
		t.Errorf("originalUriBaseIds lacks %s: %v", srcRoot, run.OriginalURIBaseIDs)
	}
	if len(run.Invocations) != 1 {
		t.Fatalf("%d invocations", len(run.Invocations))
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful {
		t.Errorf("executionSuccessful = %v, want false", inv.ExecutionSuccessful)
	}
	if len(inv.Notifications) != 1 {
		t.Fatalf("%d notifications, want 1", len(inv.Notifications))
	}
	n := inv.Notifications[0]
	if n.Level != "error" || !strings.Contains(n.Message.Text, "mapping values are not allowed") ||
		len(n.Locations) != 1 || n.Locations[0].PhysicalLocation == nil ||
		n.Locations[0].PhysicalLocation.ArtifactLocation.URI != "deploy/broken.yaml" ||
		n.Locations[0].PhysicalLocation.Region == nil || n.Locations[0].PhysicalLocation.Region.StartLine != 3 {
		t.Errorf("notification = %+v", n)
	}
}

func TestSARIFEmpty(t *testing.T) {
	raw, log := renderSARIF(t, emptyReport())
	run := log.Runs[0]
	if run.Results == nil {
		t.Fatalf("results array is missing; GitHub rejects that:\n%s", raw)
	}
	if len(*run.Results) != 0 {
		t.Errorf("%d results, want 0", len(*run.Results))
	}
	// Check the raw document too: "results": [] and not null.
	var generic struct {
		Runs []map[string]json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	if got := string(generic.Runs[0]["results"]); got != "[]" {
		t.Errorf(`"results" = %s, want []`, got)
	}
	if len(run.Tool.Driver.Rules) != 2 {
		t.Errorf("%d rules, want 2 (every check that ran)", len(run.Tool.Driver.Rules))
	}
	if inv := run.Invocations; len(inv) != 1 || inv[0].ExecutionSuccessful == nil || !*inv[0].ExecutionSuccessful || len(inv[0].Notifications) != 0 {
		t.Errorf("invocations = %+v, want one successful without notifications", inv)
	}
}

func TestSARIFEdgeCases(t *testing.T) {
	_, log := renderSARIF(t, edgeReport())
	run := log.Runs[0]
	res := *run.Results
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	byFile := map[string]sResult{}
	for _, r := range res {
		uri := ""
		if pl := r.Locations[0].PhysicalLocation; pl != nil {
			uri = pl.ArtifactLocation.URI
			if strings.HasPrefix(uri, "file:") && pl.ArtifactLocation.URIBaseID != "" {
				t.Errorf("absolute uri %q has uriBaseId %q", uri, pl.ArtifactLocation.URIBaseID)
			}
		}
		byFile[uri] = r
	}
	stdin, ok := byFile[""]
	if !ok || len(stdin.Locations[0].LogicalLocations) != 1 {
		t.Errorf("stdin finding should have only a logical location: %+v", byFile)
	}
	if stdin.Message.Text != "runAsNonRoot is {{0}} not set [spec.template.spec.securityContext.runAsNonRoot]" {
		t.Errorf("braces not doubled: %q", stdin.Message.Text)
	}
	if _, ok := byFile["file:///abs/dir/pod.yaml"]; !ok {
		t.Errorf("absolute path not a file URI: %q", slices.Sorted(maps.Keys(byFile)))
	}
	if _, ok := byFile["file:///C:/src/k8s/pod.yaml"]; !ok {
		t.Error("Windows path not a file URI")
	}
	inv := run.Invocations[0]
	if *inv.ExecutionSuccessful || len(inv.Notifications) != 1 {
		t.Fatalf("invocation = %+v", inv)
	}
	n := inv.Notifications[0]
	if n.AssociatedRule == nil || n.AssociatedRule.ID != "K8S-016" || n.AssociatedRule.Index != 1 {
		t.Errorf("check error notification rule = %+v", n.AssociatedRule)
	}
	if strings.Contains(n.Message.Text, "goroutine") {
		t.Errorf("notification message carries the stack: %q", n.Message.Text)
	}
}

// TestSARIFSchema validates against the SARIF 2.1.0 schema bundled with
// go-sarif. (Reading into go-sarif's structs fills unset indexes with 0, so
// this checks shape, not index consistency; the multitool test checks that.)
func TestSARIFSchema(t *testing.T) {
	for name, rep := range map[string]*report.Report{"sample": sampleReport(), "empty": emptyReport(), "edge": edgeReport()} {
		raw, _ := renderSARIF(t, rep)
		log, err := sarif.FromBytes(raw)
		if err != nil {
			t.Fatalf("%s: go-sarif cannot read the log: %v", name, err)
		}
		if err := log.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSARIFDeterministic(t *testing.T) {
	rep := sampleReport()
	want, _ := renderSARIF(t, rep)
	for i := range 5 {
		r := sampleReport()
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		rng.Shuffle(len(r.Findings), func(a, b int) { r.Findings[a], r.Findings[b] = r.Findings[b], r.Findings[a] })
		got, _ := renderSARIF(t, r)
		if !bytes.Equal(got, want) {
			t.Fatalf("output depends on finding order:\n%s\nvs\n%s", got, want)
		}
	}
}

func TestFileURI(t *testing.T) {
	for _, tt := range []struct {
		in       string
		uri      string
		relative bool
		ok       bool
	}{
		{"deploy/app.yaml", "deploy/app.yaml", true, true},
		{"./deploy/../app.yaml", "app.yaml", true, true},
		{"../other/app.yaml", "../other/app.yaml", true, true},
		{"my app/50%.yaml", "my%20app/50%25.yaml", true, true},
		{"a:b/#c?.yaml", "a%3Ab/%23c%3F.yaml", true, true},
		{"ünï.yaml", "%C3%BCn%C3%AF.yaml", true, true},
		{`deploy\win\app.yaml`, "deploy/win/app.yaml", true, true},
		{"/abs/x y.yaml", "file:///abs/x%20y.yaml", false, true},
		{`C:\src\app.yaml`, "file:///C:/src/app.yaml", false, true},
		{`\\host\share\app.yaml`, "file://host/share/app.yaml", false, true},
		{"<stdin>", "", false, false},
		{"", "", false, false},
	} {
		uri, rel, ok := fileURI(tt.in)
		if uri != tt.uri || rel != tt.relative || ok != tt.ok {
			t.Errorf("fileURI(%q) = %q, %v, %v; want %q, %v, %v", tt.in, uri, rel, ok, tt.uri, tt.relative, tt.ok)
		}
		if ok {
			if _, err := url.Parse(uri); err != nil {
				t.Errorf("fileURI(%q) = %q does not parse: %v", tt.in, uri, err)
			}
		}
	}
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{
		"Privileged container": "PrivilegedContainer",
		"Host namespaces shared (hostNetwork, hostPID, hostIPC)": "HostNamespacesSharedHostNetworkHostPIDHostIPC",
		"runAsNonRoot not true":                                  "RunAsNonRootNotTrue",
		"Unmasked /proc mount":                                   "UnmaskedProcMount",
		"Runs as UID 0":                                          "RunsAsUID0",
		"":                                                       "",
	} {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSARIF(f *testing.F) {
	f.Add("container \"web\" is privileged", "deploy/app.yaml", "spec.containers[0].securityContext.privileged", "true", "Privileged container", 12)
	f.Add("{0} {{1}} }{", "/abs/my app/x.yaml", "", "", "", 0)
	f.Add("\x00\x1b[31m\xff\xfe", `C:\a\b.yaml`, "\u202e", "\ufffe", "<stdin>", -3)
	f.Add("", "<stdin>", "a]]>b", "&<>'\"", "%SRCROOT%", 1<<40)
	f.Fuzz(func(t *testing.T, message, file, field, evidence, title string, line int) {
		rep := fuzzReport(message, file, field, evidence, title, line)
		_, log := renderSARIF(t, rep)
		run := log.Runs[0]
		// One result per finding, but one per group of findings with one
		// root cause, the others as its related locations.
		related := 0
		for _, f := range rep.Findings {
			related += len(f.Related)
		}
		if run.Results == nil || len(*run.Results) != len(rep.Findings)-related {
			t.Fatalf("results = %v, want %d", run.Results, len(rep.Findings)-related)
		}
		for _, r := range *run.Results {
			related -= len(r.RelatedLocations)
		}
		if related != 0 {
			t.Fatalf("related locations do not add up: %v", run.Results)
		}
		rules := run.Tool.Driver.Rules
		for _, r := range *run.Results {
			if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(rules) || rules[*r.RuleIndex].ID != r.RuleID {
				t.Fatalf("ruleIndex %v does not point at %s", r.RuleIndex, r.RuleID)
			}
			if r.Message.Text == "" {
				t.Fatal("empty message text")
			}
			if pl := r.Locations[0].PhysicalLocation; pl != nil {
				if _, err := url.Parse(pl.ArtifactLocation.URI); err != nil {
					t.Fatalf("uri %q: %v", pl.ArtifactLocation.URI, err)
				}
				if rg := pl.Region; rg != nil && rg.StartLine < 1 {
					t.Fatalf("region startLine %d", rg.StartLine)
				}
			}
		}
		if n := len(run.Invocations[0].Notifications); n != 2 {
			t.Fatalf("%d notifications, want 2", n)
		}
	})
}

// TestSARIFGrouped: findings with one root cause are one result at the
// primary, with the others as related locations naming their checks; the
// primary keeps the fingerprint it has on its own.
func TestSARIFGrouped(t *testing.T) {
	rep := groupedReport()
	_, log := renderSARIF(t, rep)
	results := *log.Runs[0].Results
	if len(results) != 2 {
		t.Fatalf("%d results, want 2 (one per root cause)", len(results))
	}
	byRule := map[string]sResult{}
	for _, r := range results {
		byRule[r.RuleID] = r
	}
	host, tag := byRule["K8S-009"], byRule["K8S-040"]
	var fp9 string
	for _, f := range rep.Findings {
		if f.CheckID == "K8S-009" {
			fp9 = f.Fingerprint
		}
	}
	if got := host.PartialFingerprints[fingerprintKey]; got == "" || got != fp9 {
		t.Errorf("primary fingerprint %q, want %q", got, fp9)
	}
	if host.Level != "error" || !strings.HasSuffix(host.Message.Text, " (same root cause: K8S-005, K8S-026)") {
		t.Errorf("primary result: level %q message %q", host.Level, host.Message.Text)
	}
	if len(host.RelatedLocations) != 2 {
		t.Fatalf("related locations: %+v", host.RelatedLocations)
	}
	for i, want := range []string{"K8S-005 (high): hostPath volumes", "K8S-026 (low): volume"} {
		rl := host.RelatedLocations[i]
		if rl.ID != i+1 || !strings.HasPrefix(rl.Message.Text, want) || rl.PhysicalLocation == nil || rl.PhysicalLocation.Region.StartLine != 30 {
			t.Errorf("related location %d: %+v", i, rl)
		}
	}
	if related, _ := host.Properties["related"].([]any); len(related) != 2 {
		t.Errorf("related property: %v", host.Properties["related"])
	}
	if len(tag.RelatedLocations) != 1 || !strings.HasPrefix(tag.RelatedLocations[0].Message.Text, "K8S-042 (low): ") {
		t.Errorf("tag result: %+v", tag)
	}
	// A member whose primary is missing stands on its own.
	rep.Findings = slices.DeleteFunc(rep.Findings, func(f report.Finding) bool { return f.CheckID == "K8S-009" })
	_, log = renderSARIF(t, rep)
	if n := len(*log.Runs[0].Results); n != 3 {
		t.Errorf("%d results without the primary, want 3", n)
	}
}

// TestSARIFStreamed: results encoded one at a time give the bytes the
// whole log gives encoded at once.
func TestSARIFStreamed(t *testing.T) {
	for _, rep := range []*report.Report{sampleReport(), emptyReport(), edgeReport(), groupedReport()} {
		out, _ := renderSARIF(t, rep)
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		whole, err := encodeIndented(doc, "")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, whole) {
			t.Errorf("streamed SARIF differs from the whole log encoded at once:\n%s\n---\n%s", out, whole)
		}
	}
}
