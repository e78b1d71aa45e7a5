package scan

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// collected builds what cluster.Collect would return for the objects in
// doc, with the given kinds forbidden or not served. The end-to-end tests
// (test/e2e) do the same against a real API server.
func collected(t *testing.T, doc string, forbidden, notServed []string) *cluster.Result {
	t.Helper()
	p := manifest.Parse("live.yaml", []byte(doc), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatal(p.Errors)
	}
	info := &inventory.ClusterInfo{Server: version.Info{GitVersion: "v1.37.2"}, ObservedAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	res := &cluster.Result{Server: "https://aks-prod.hcp.westeurope.azmk8s.io:443", Info: info}
	res.Objects = append(res.Objects, inventory.NewObject(metav1.TypeMeta{APIVersion: inventory.ClusterInfoAPIVersion, Kind: inventory.ClusterInfoKind},
		&metav1.ObjectMeta{Name: "cluster"}, info, finding.Location{Resource: "/version"}, nil))
	counts := map[string]int{}
	for _, o := range p.Objects {
		k, _ := cluster.KindOf(o.Kind)
		// Located as the collector locates live objects.
		res.Objects = append(res.Objects, inventory.NewObject(o.TypeMeta, o.Meta, o.Typed, finding.Location{Resource: k.Path(o.Meta.Namespace, o.Meta.Name)}, nil))
		counts[o.Kind]++
	}
	for _, k := range cluster.Kinds {
		kr := cluster.KindResult{Kind: k, Collected: counts[k.Kind]}
		if slices.Contains(forbidden, k.Kind) {
			kr.Err = errors.New(k.GroupResource() + ` is forbidden: User "dev" cannot list resource`)
		}
		kr.NotServed = slices.Contains(notServed, k.Kind)
		res.Kinds = append(res.Kinds, kr)
	}
	return res
}

const livePods = `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  serviceAccountName: ghost
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`

func options() Options {
	return Options{Settings: *checktest.DefaultSettings(), Gate: decide.Gate{FailOn: finding.SeverityHigh}, Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
}

func TestCollectedForbiddenKind(t *testing.T) {
	rep, err := Collected(collected(t, livePods, []string{"ServiceAccount", "ResourceQuota"}, []string{"Ingress"}), options())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Result != "error" || rep.Summary.ExitCode != report.ExitError {
		t.Errorf("result %q exit %d, want error 2", rep.Summary.Result, rep.Summary.ExitCode)
	}
	ran := map[string]bool{}
	for _, m := range rep.Checks {
		ran[m.ID] = true
	}
	for _, id := range []string{"K8S-060", "K8S-062", "K8S-064", "K8S-074", "K8S-133"} {
		if ran[id] {
			t.Errorf("%s ran", id)
		}
	}
	if !ran["K8S-001"] || !ran["K8S-140"] {
		t.Error("K8S-001 or K8S-140 did not run")
	}
	for _, f := range rep.Findings {
		if f.CheckID == "K8S-062" {
			t.Errorf("K8S-062 reported without the ServiceAccounts: %s", f.Message)
		}
	}
	if !slices.ContainsFunc(rep.Findings, func(f report.Finding) bool {
		return f.CheckID == "K8S-001" && f.Location.Resource == "/api/v1/namespaces/shop/pods/debug"
	}) {
		t.Error("no K8S-001 on the privileged pod at its API path")
	}

	rows := map[string]report.Coverage{}
	for _, c := range rep.Coverage {
		rows[c.Kind] = c
	}
	sa := rows["ServiceAccount"]
	if sa.Status != report.CoverageNotRead || !strings.Contains(sa.Reason, "forbidden") || sa.Resource != "/api/v1/serviceaccounts" {
		t.Errorf("ServiceAccount row %+v", sa)
	}
	for _, id := range []string{"K8S-060", "K8S-062", "K8S-064"} {
		if !slices.Contains(sa.NotAssessed, id) {
			t.Errorf("ServiceAccount row lacks %s: %v", id, sa.NotAssessed)
		}
	}
	if r := rows["Ingress"]; r.Status != report.CoverageNotServed || len(r.NotAssessed) != 0 {
		t.Errorf("Ingress row %+v", r)
	}
	if r := rows["Pod"]; r.Status != report.CoverageRead || r.Collected != 1 || r.Assessed != 1 {
		t.Errorf("Pod row %+v", r)
	}
	if r := rows["*"]; r.Status != report.CoverageNotApplicable || !slices.Equal(r.NotAssessed, []string{"K8S-133"}) {
		t.Errorf("all-kinds row %+v", r)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Resource != "/api/v1/serviceaccounts" || !strings.Contains(rep.Errors[0].Message, "not assessed by K8S-060") {
		t.Errorf("errors %+v", rep.Errors)
	}
	// No selected check needs ResourceQuotas (yet): a warning, not an error.
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.HasPrefix(w, "/api/v1/resourcequotas: ") }) {
		t.Errorf("warnings %q", rep.Warnings)
	}
	if rep.Command != "scan cluster" || !slices.Equal(rep.Targets, []string{"https://aks-prod.hcp.westeurope.azmk8s.io:443"}) {
		t.Errorf("command %q targets %v", rep.Command, rep.Targets)
	}
}

// With everything read, nothing is missing and the verdict is the gate's.
func TestCollectedComplete(t *testing.T) {
	rep, err := Collected(collected(t, livePods, nil, nil), options())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Result != "fail" || len(rep.Errors) != 0 {
		t.Errorf("result %q errors %+v", rep.Summary.Result, rep.Errors)
	}
	for _, c := range rep.Coverage {
		if c.Status == report.CoverageNotRead {
			t.Errorf("row %+v", c)
		}
		if c.NotAssessed == nil {
			t.Errorf("%s: notAssessed is null in JSON", c.Kind)
		}
	}
}

// Only the selected checks appear in the coverage.
func TestCollectedSelection(t *testing.T) {
	c, _ := check.Lookup("K8S-001")
	opt := options()
	opt.Checks = []*check.Check{c}
	rep, err := Collected(collected(t, livePods, []string{"ServiceAccount"}, nil), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 || rep.Summary.Result != "fail" {
		t.Errorf("no selected check needs ServiceAccounts: result %q errors %+v", rep.Summary.Result, rep.Errors)
	}
	for _, r := range rep.Coverage {
		if len(r.NotAssessed) > 0 {
			t.Errorf("row %+v names checks that were not selected", r)
		}
	}
}
