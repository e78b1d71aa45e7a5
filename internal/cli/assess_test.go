package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil/sariftool"
)

// TestAssessExamples runs `bulwark assess` on the insecure application and
// the default AKS cluster: the table prints the attack paths with the
// checks behind their hops, and SARIF carries them as code flows on the
// result of the finding to fix, a log Microsoft's validator accepts.
func TestAssessExamples(t *testing.T) {
	args := []string{"assess", "../../examples/insecure", "--aks", "../../examples/aks/default", "--as-of", "2026-11-26"}
	code, out, stderr := run(t, "", args...)
	if code != 1 {
		t.Fatalf("exit %d, want 1; %s", code, stderr)
	}
	for _, want := range []string{
		"Attack paths (11, best scored first):",
		"  100  cluster-admin: Internet → API server of cluster aks-shop-dev → cluster-admin",
		"Deployment pets/store-front → ServiceAccount pets/default: holds the API token of (K8S-060)",
		"* fix first: cuts 4 paths",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}

	code, sarif, stderr := run(t, "", append(args, "-f", "sarif")...)
	if code != 1 {
		t.Fatalf("sarif: exit %d; %s", code, stderr)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				CodeFlows []struct {
					Message     struct{ Text string } `json:"message"`
					ThreadFlows []struct {
						Locations []struct {
							Kinds      []string `json:"kinds"`
							Importance string   `json:"importance"`
						} `json:"locations"`
					} `json:"threadFlows"`
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatal(err)
	}
	flows := 0
	for _, r := range log.Runs[0].Results {
		for _, cf := range r.CodeFlows {
			flows++
			hops := cf.ThreadFlows[0].Locations
			essential := 0
			for _, h := range hops {
				if h.Importance == "essential" {
					essential++
				}
			}
			if len(hops) < 2 || essential != 1 || !strings.HasPrefix(cf.Message.Text, "attack path (score ") {
				t.Errorf("%s: code flow %+v", r.RuleID, cf)
			}
		}
	}
	if flows != 11 {
		t.Errorf("%d code flows, want one per path (11)", flows)
	}
	sariftool.Validate(t, "assess-example", []byte(sarif))
}

func TestAssessNeedsInput(t *testing.T) {
	if code, _, stderr := run(t, "", "assess"); code != 2 || !strings.Contains(stderr, "--aks") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestAssessClusterUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"assess", "../../examples/insecure", "--cluster", "--aks", "../../examples/aks/default"}, "give manifests or --cluster, not both"},
		{[]string{"assess", "../../examples/insecure", "--context", "prod"}, "give manifests or --cluster, not both"},
		{[]string{"assess", "../../examples/insecure", "-n", "pets"}, "--namespace and --exclude-namespace need --cluster"},
		{[]string{"assess", "--cluster", "--timeout", "0s"}, "--timeout must be positive"},
	} {
		if code, _, stderr := run(t, "", tt.args...); code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d: %s", tt.args, code, stderr)
		}
	}
}

func TestAssessAzureUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"assess", "--all-clusters"}, "--all-clusters needs --subscription"},
		{[]string{"assess", "--all-clusters", "--subscription", "s", "../../examples/insecure"}, "give no manifests, --cluster or --aks"},
		{[]string{"assess", "--all-clusters", "--subscription", "s", "--name", "aks"}, "--all-clusters and --name"},
		{[]string{"assess", "--all-clusters", "--subscription", "s", "--images"}, "leave out --images"},
		{[]string{"assess", "--all-clusters", "--subscription", "s", "--concurrency", "0"}, "--concurrency must be at least 1"},
		{[]string{"assess", "--cluster", "--subscription", "s"}, "--subscription needs --resource-group and --name"},
		{[]string{"assess", "--cluster", "--subscription", "s", "--subscription", "t", "--resource-group", "rg", "--name", "aks"}, "several need --all-clusters"},
		{[]string{"assess", "--cluster", "--aks", "a.json", "--subscription", "s", "--resource-group", "rg", "--name", "aks"}, "not both"},
		{[]string{"assess", "--cluster", "--name", "aks"}, "need --subscription"},
		{[]string{"assess", "--cluster", "--results-dir", "out"}, "--results-dir needs --all-clusters"},
	} {
		if code, _, stderr := run(t, "", tt.args...); code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d: %s", tt.args, code, stderr)
		}
	}
}
