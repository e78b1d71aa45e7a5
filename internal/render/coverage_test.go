package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// liveReport is a cluster scan: findings located by API path, a kind the
// credentials could not read, and the coverage section.
func liveReport() *report.Report {
	gate := testGate{failOn: report.SeverityHigh}
	ns := report.Subject{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	node := report.Subject{APIVersion: "v1", Kind: "Node", Name: "aks-np-0"}
	web := report.Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: "v0.3.0", URI: "https://github.com/bulwark-sec/bulwark"},
		Command:       "scan cluster",
		Targets:       []string{"https://aks-prod.hcp.westeurope.azmk8s.io:443"},
		Settings:      report.Settings{FailOn: "high"},
		Checks:        []report.Check{metaPrivileged, metaNonRoot},
		Findings: []report.Finding{
			mkFinding(metaPrivileged, web, report.Location{Resource: "/apis/apps/v1/namespaces/shop/deployments/web"},
				"spec.template.spec.containers[0].securityContext.privileged", `container "web" is privileged`, "true", gate),
			mkFinding(metaNonRoot, node, report.Location{Resource: "/api/v1/nodes/aks-np-0"}, "status.nodeInfo.kubeletVersion", "kubelet too old", "", gate),
			mkFinding(metaNonRoot, ns, report.Location{Resource: "/api/v1/namespaces/shop"}, "metadata.labels", "no enforce label", "", gate),
		},
		Inventory: report.Inventory{Objects: 4},
		Coverage: []report.Coverage{
			{Kind: "Namespace", Resource: "/api/v1/namespaces", Status: report.CoverageRead, Collected: 1, Assessed: 1, NotAssessed: []string{}},
			{Kind: "Pod", Resource: "/api/v1/pods", Status: report.CoverageRead, Collected: 31, Assessed: 1, NotAssessed: []string{}},
			{Kind: "Deployment", Resource: "/apis/apps/v1/deployments", Status: report.CoverageRead, Collected: 1, Assessed: 1, NotAssessed: []string{}},
			{Kind: "ReplicaSet", Resource: "/apis/apps/v1/replicasets", Status: report.CoverageRead, NotAssessed: []string{}},
			{Kind: "ServiceAccount", Resource: "/api/v1/serviceaccounts", Status: report.CoverageNotRead, Reason: `serviceaccounts is forbidden: User "dev" cannot list resource "serviceaccounts"`,
				NotAssessed: []string{"K8S-060", "K8S-062"}},
			{Kind: "Ingress", Resource: "/apis/networking.k8s.io/v1/ingresses", Status: report.CoverageNotServed, NotAssessed: []string{}},
			{Kind: "Secret", Resource: "/api/v1/secrets", Status: report.CoverageRead, Collected: 2, Assessed: 2, Reason: "Secret data is never read", NotAssessed: []string{"K8S-074"}},
			{Kind: "*", Status: report.CoverageNotApplicable, Reason: "only in manifests", NotAssessed: []string{"K8S-133"}},
		},
		Errors: []report.InputError{{Resource: "/api/v1/serviceaccounts", Message: `serviceaccounts is forbidden: User "dev" cannot list resource "serviceaccounts"; not assessed by K8S-060, K8S-062`}},
	}
	rep.Summarize()
	return rep
}

const liveTable = `cluster-scoped objects
  Node aks-np-0
    - MEDIUM    K8S-016  -  kubelet too old
        field: status.nodeInfo.kubeletVersion
        status: warn
        fix:   Set spec.securityContext.runAsNonRoot: true (e.g. in the pod template).

namespace shop
  Deployment shop/web
    X CRITICAL  K8S-001  -  container "web" is privileged
        field: spec.template.spec.containers[0].securityContext.privileged
        status: fail
        fix:   Remove securityContext.privileged or set it to false.
  Namespace shop
    - MEDIUM    K8S-016  -  no enforce label
        field: metadata.labels
        status: warn
        fix:   Set spec.securityContext.runAsNonRoot: true (e.g. in the pod template).

Input errors (1):
  /api/v1/serviceaccounts: serviceaccounts is forbidden: User "dev" cannot list resource "serviceaccounts"; not assessed by K8S-060, K8S-062

Coverage:
  Read: Namespace 1, Pod 31 (30 judged through their controller), Deployment 1, Secret 2
  None found: ReplicaSet
  Not read (1):
    ServiceAccount /api/v1/serviceaccounts: serviceaccounts is forbidden: User "dev" cannot list resource "serviceaccounts"
      not assessed by K8S-060, K8S-062
  Not assessed on a live cluster:
    Secret: K8S-074 (Secret data is never read)
    all kinds: K8S-133 (only in manifests)
  Not served by the API server (nothing to assess): Ingress

Findings by check (2 checks):
  K8S-001  CRITICAL  1 (1 blocking)  Privileged container
  K8S-016  MEDIUM    2               runAsNonRoot not true

Scanned: 35 Kubernetes objects read from the cluster at https://aks-prod.hcp.westeurope.azmk8s.io:443, 5 assessed (the rest through their controller)
Findings: 3 (1 critical, 0 high, 2 medium, 0 low, 0 info)
Status:   1 fail, 0 due, 0 excepted, 0 baselined, 2 warn
Blocking: 1 (fail-on high)
(X blocks the run, - is reported only)

ERROR: 1 input could not be read; the verdict is incomplete (1 blocking finding so far)
`

func TestTableLive(t *testing.T) {
	var buf bytes.Buffer
	if err := Table(&buf, liveReport(), Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != liveTable {
		t.Errorf("table output differs.\n--- got:\n%s\n--- want:\n%s", got, liveTable)
	}
	// By default the blocking finding is located by its API path, and the
	// others are listed by namespace.
	got := renderTable(t, liveReport(), false)
	for _, want := range []string{
		"X CRITICAL  K8S-001  /apis/apps/v1/namespaces/shop/deployments/web  Deployment shop/web\n",
		"cluster-scoped objects\n  Node aks-np-0\n    - MEDIUM    K8S-016  -  kubelet too old\n",
		"namespace shop\n  Namespace shop\n    - MEDIUM    K8S-016  -  no enforce label\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("default table lacks %q:\n%s", want, got)
		}
	}
}

// The JSON report carries the coverage section whole, arrays never null.
func TestJSONCoverage(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, liveReport()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Coverage []map[string]any    `json:"coverage"`
		Errors   []report.InputError `json:"errors"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Coverage) != 8 || got.Coverage[1]["assessed"] != float64(1) || got.Errors[0].Resource != "/api/v1/serviceaccounts" {
		t.Errorf("coverage %v errors %+v", got.Coverage, got.Errors)
	}
	if !strings.Contains(buf.String(), `"notAssessed": []`) || strings.Contains(buf.String(), `"notAssessed": null`) {
		t.Errorf("null arrays in:\n%s", buf.String())
	}
	buf.Reset()
	rep := emptyReport()
	rep.Coverage = []report.Coverage{}
	if err := JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"coverage": []`) {
		t.Error("a file scan's report has no empty coverage array")
	}
}

func TestSARIFLive(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, liveReport()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "file:") {
		t.Errorf("a live report points at files:\n%s", buf.String())
	}
}
