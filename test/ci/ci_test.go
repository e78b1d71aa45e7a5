package ci

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// root is the repository root, binDir holds the bulwark built by TestMain.
var root, binDir string

func TestMain(m *testing.M) {
	root, _ = filepath.Abs(filepath.Join("..", ".."))
	dir, err := os.MkdirTemp("", "bulwark-ci-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bulwark"), "./cmd/bulwark")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building bulwark:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// decodeStrict decodes file into v, refusing keys v does not declare.
func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// bash runs script in the repository root with bulwark first on PATH.
func bash(t *testing.T, script string, env map[string]string) (int, string) {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// checkSARIF asserts file is SARIF 2.1.0 with results located in files
// under each of dirs.
func checkSARIF(t *testing.T, file string, dirs ...string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &s); err != nil || s.Version != "2.1.0" || len(s.Runs) != 1 {
		t.Fatalf("%s: not SARIF 2.1.0 (%v)", file, err)
	}
	for _, d := range dirs {
		found := false
		for _, r := range s.Runs[0].Results {
			for _, l := range r.Locations {
				found = found || strings.Contains(l.Physical.Artifact.URI, d)
			}
		}
		if !found {
			t.Errorf("%s: no result located under %s", file, d)
		}
	}
}

type input struct {
	Description string `yaml:"description"`
	Default     string `yaml:"default"`
	Required    bool   `yaml:"required"`
}

type output struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

// action is the metadata syntax of a composite GitHub Action.
type action struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]input  `yaml:"inputs"`
	Outputs     map[string]output `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var exprRef = regexp.MustCompile(`\$\{\{[^}]*?\b(inputs|parameters)\.([A-Za-z0-9_-]+)`)

// TestGitHubAction: action.yml is a composite action whose every step is
// well formed and every input it uses is declared; its scan step, run as
// the runner would on the example chart and overlay, writes SARIF located
// in the sources and records bulwark's exit code for the verdict step.
func TestGitHubAction(t *testing.T) {
	var a action
	decodeStrict(t, "action.yml", &a)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("not a composite action: %+v", a)
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	data, _ := os.ReadFile(filepath.Join(root, "action.yml"))
	for _, m := range exprRef.FindAllStringSubmatch(string(data), -1) {
		if _, ok := a.Inputs[m[2]]; !ok {
			t.Errorf("action.yml uses undeclared input %q", m[2])
		}
	}
	var scan *actionStep
	uploads := false
	for i, s := range a.Runs.Steps {
		switch {
		case s.Run != "" && s.Shell == "":
			t.Errorf("step %q runs a script without shell (required in composite actions)", s.Name)
		case s.Run == "" && s.Uses == "":
			t.Errorf("step %q neither runs nor uses", s.Name)
		case strings.Contains(s.Uses, "upload-sarif"):
			uploads = s.With["sarif_file"] != ""
		}
		if s.ID == "scan" {
			scan = &a.Runs.Steps[i]
		}
		if s.Run != "" && strings.Contains(s.Run, "${{") {
			t.Errorf("step %q pastes an expression into its script: pass it through env", s.Name)
		}
	}
	if scan == nil || !uploads {
		t.Fatalf("no scan step or no SARIF upload")
	}
	dir := t.TempDir()
	ghOut, ghEnv := filepath.Join(dir, "output"), filepath.Join(dir, "env")
	sarif := filepath.Join(dir, "bulwark.sarif")
	code, out := bash(t, scan.Run, map[string]string{
		"BULWARK_COMMAND": "manifests", "BULWARK_PATHS": "examples/helm/contoso-pets examples/kustomize/overlays/prod",
		"BULWARK_FAIL_ON": a.Inputs["fail-on"].Default, "BULWARK_ARGS": "--namespace shop", "BULWARK_SARIF": sarif,
		"GITHUB_OUTPUT": ghOut, "GITHUB_ENV": ghEnv,
	})
	if code != 0 {
		t.Fatalf("scan step failed itself (exit %d): %s", code, out)
	}
	checkSARIF(t, sarif, "examples/helm/contoso-pets/templates/storefront.yaml", "examples/kustomize/base/orders-api.yaml")
	if o, _ := os.ReadFile(ghOut); !strings.Contains(string(o), "exit-code=1") {
		t.Errorf("GITHUB_OUTPUT = %q, want exit-code=1 (the examples have blocking findings)", o)
	}
	if e, _ := os.ReadFile(ghEnv); !strings.Contains(string(e), "BULWARK_EXIT=1") {
		t.Errorf("GITHUB_ENV = %q", e)
	}
}

// pipeline is an Azure Pipelines steps template.
type pipeline struct {
	Parameters []struct {
		Name    string `yaml:"name"`
		Type    string `yaml:"type"`
		Default string `yaml:"default"`
	} `yaml:"parameters"`
	Steps []struct {
		Task        string            `yaml:"task"`
		Bash        string            `yaml:"bash"`
		DisplayName string            `yaml:"displayName"`
		Condition   string            `yaml:"condition"`
		Inputs      map[string]string `yaml:"inputs"`
		Env         map[string]string `yaml:"env"`
	} `yaml:"steps"`
}

// TestAzurePipelinesTemplate: the template declares every parameter it
// uses, publishes JUnit and SARIF, and its scan script writes both for the
// example chart, exiting 1 for the blocking findings.
func TestAzurePipelinesTemplate(t *testing.T) {
	const file = "deploy/azure-pipelines/bulwark.yml"
	var p pipeline
	decodeStrict(t, file, &p)
	declared := map[string]string{}
	for _, par := range p.Parameters {
		if par.Name == "" || par.Type != "string" {
			t.Errorf("parameter %+v", par)
		}
		declared[par.Name] = par.Default
	}
	data, _ := os.ReadFile(filepath.Join(root, file))
	for _, m := range exprRef.FindAllStringSubmatch(string(data), -1) {
		if _, ok := declared[m[2]]; !ok {
			t.Errorf("%s uses undeclared parameter %q", file, m[2])
		}
	}
	tasks := map[string]map[string]string{}
	var script string
	for _, s := range p.Steps {
		if (s.Task == "") == (s.Bash == "") {
			t.Errorf("step %q must have exactly one of task and bash", s.DisplayName)
		}
		if s.Task != "" {
			tasks[strings.Split(s.Task, "@")[0]] = s.Inputs
		}
		if strings.Contains(s.Bash, "bulwark scan") {
			script = s.Bash
		}
		if strings.Contains(s.Bash, "${{") {
			t.Errorf("step %q pastes an expression into its script: pass it through env", s.DisplayName)
		}
	}
	if tasks["PublishTestResults"]["testResultsFormat"] != "JUnit" || tasks["PublishBuildArtifacts"]["artifactName"] != "CodeAnalysisLogs" || script == "" {
		t.Fatalf("template does not scan, publish JUnit and SARIF: %+v", tasks)
	}
	staging := t.TempDir()
	code, out := bash(t, script, map[string]string{
		"BULWARK_COMMAND": declared["command"], "BULWARK_PATHS": "examples/helm/contoso-pets",
		"BULWARK_FAIL_ON": declared["failOn"], "BULWARK_ARGS": "", "BULWARK_OUT": staging,
	})
	if code != 1 {
		t.Errorf("scan script exit %d, want 1 (blocking findings): %s", code, out)
	}
	checkSARIF(t, filepath.Join(staging, "bulwark", "bulwark.sarif"), "examples/helm/contoso-pets/templates/storefront.yaml")
	junit, err := os.ReadFile(filepath.Join(staging, "bulwark", "bulwark-junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		XMLName  xml.Name
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(junit, &suites); err != nil || suites.XMLName.Local != "testsuites" {
		t.Errorf("JUnit: %v, root %q", err, suites.XMLName.Local)
	}
	for _, want := range []string{"PublishTestResults", "PublishBuildArtifacts"} {
		if !strings.Contains(tasks[want]["testResultsFiles"]+tasks[want]["pathToPublish"], "$(Build.ArtifactStagingDirectory)/bulwark/") {
			t.Errorf("%s publishes %v, not what the script writes", want, tasks[want])
		}
	}
}

type hook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	TypesOr       []string `yaml:"types_or"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	RequireSerial bool     `yaml:"require_serial"`
	Args          []string `yaml:"args"`
}

// TestPreCommitHooks: the hooks are pre-commit definitions with the keys
// it requires; run as pre-commit runs them (entry, then the staged file
// names), the manifest hook fails on the insecure examples, passes on the
// hardened ones and on a commit of YAML that holds no Kubernetes object;
// the Terraform hook fails on the example module.
func TestPreCommitHooks(t *testing.T) {
	var hooks []hook
	decodeStrict(t, ".pre-commit-hooks.yaml", &hooks)
	byID := map[string]hook{}
	for _, h := range hooks {
		if h.ID == "" || h.Name == "" || h.Entry == "" || h.Language != "golang" {
			t.Errorf("hook %+v lacks a required key", h)
		}
		if h.Files != "" {
			if _, err := regexp.Compile(h.Files); err != nil {
				t.Errorf("hook %s files: %v", h.ID, err)
			}
		}
		byID[h.ID] = h
	}
	h, ok := byID["bulwark-manifests"]
	if !ok {
		t.Fatal("no bulwark-manifests hook")
	}
	other := filepath.Join(t.TempDir(), "workflow.yml")
	if err := os.WriteFile(other, []byte("on: push\njobs: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for files, want := range map[string]int{
		"examples/insecure/storefront.yaml examples/insecure/rbac.yaml": 1,
		"examples/hardened/storefront.yaml":                             0,
		other:                                                           0,
	} {
		if code, out := bash(t, h.Entry+" "+files+" --fail-on high", nil); code != want {
			t.Errorf("%s %s: exit %d, want %d\n%s", h.Entry, files, code, want, out)
		}
	}
	c := byID["bulwark-chart"]
	if c.PassFilenames == nil || *c.PassFilenames {
		t.Errorf("bulwark-chart must not pass file names: it scans the chart named in args")
	}
	if code, out := bash(t, c.Entry+" examples/helm/contoso-pets", nil); code != 1 {
		t.Errorf("chart hook exit %d, want 1\n%s", code, out)
	}
	tf := byID["bulwark-terraform"]
	if tf.PassFilenames == nil || *tf.PassFilenames || !regexp.MustCompile(tf.Files).MatchString("infra/main.tf") {
		t.Errorf("bulwark-terraform must match .tf files and not pass them: it scans the module named in args")
	}
	if code, out := bash(t, tf.Entry+" examples/aks/terraform/main.tf --as-of 2026-11-26", nil); code != 1 || !strings.Contains(out, "main.tf:") {
		t.Errorf("terraform hook exit %d, want 1\n%s", code, out)
	}
}
