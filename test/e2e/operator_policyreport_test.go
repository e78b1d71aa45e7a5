package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// TestOperatorPolicyReport: with --report-format policyreport, on an API
// server serving only the chart's wgpolicyk8s.io/v1alpha2 CRDs, the
// operator writes a PolicyReport per namespace and a ClusterPolicyReport
// the API server accepts, and kubectl bulwark report reads them back.
func TestOperatorPolicyReport(t *testing.T) {
	s := apiserver.Start(t)
	_, err := envtest.InstallCRDs(s.Config, envtest.CRDInstallOptions{Paths: []string{"../../deploy/helm/bulwark/files/policyreport-crds"}, ErrorIfPathMissing: true})
	apiserver.Must(t, err)
	ctx := context.Background()
	_, err = s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, err = s.Client.AppsV1().Deployments("shop").Create(ctx, deployment("shop", "web", true), metav1.CreateOptions{})
	apiserver.Must(t, err)

	// Nothing to read yet: an error naming both formats, never an empty pass.
	if _, err := operator.Read(ctx, s.Config, operator.ReadOptions{Namespace: "shop"}); err == nil ||
		!strings.Contains(err.Error(), "openreports") || !strings.Contains(err.Error(), "policyreport") {
		t.Errorf("read before any report: %v", err)
	}

	runOperator(t, operator.Config{Rest: s.Config, Flags: defaultFlags(), ReportFormat: operator.FormatPolicyReport, ClusterDelay: time.Second})
	rc := reportClient(t, s.Config)
	deadline := time.Now().Add(30 * time.Second)
	var rp operator.PolicyReport
	for {
		err := rc.Get(ctx, client.ObjectKey{Namespace: "shop", Name: operator.ReportName}, &rp)
		if err == nil && slices.ContainsFunc(rp.Results, func(r2 openreports.ReportResult) bool { return r2.Policy == "K8S-001" }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PolicyReport with K8S-001 in shop after 30 s (last error %v, results %v)", err, summarize(rp.Results))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rp.Scope == nil || rp.Scope.Name != "shop" || rp.Summary.Fail == 0 {
		t.Errorf("PolicyReport scope %+v summary %+v", rp.Scope, rp.Summary)
	}
	i := slices.IndexFunc(rp.Results, func(r2 openreports.ReportResult) bool { return r2.Policy == "K8S-001" })
	if r := rp.Results[i]; r.Result != "fail" || r.Severity != "critical" || len(r.Subjects) != 1 || r.Subjects[0].Name != "web" ||
		r.Properties[operator.PropFingerprint] == "" || r.Description == "" {
		t.Errorf("K8S-001 result: %+v", r)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		var cr operator.ClusterPolicyReport
		if err := rc.Get(ctx, client.ObjectKey{Name: operator.ClusterReportName}, &cr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ClusterPolicyReport after 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Read back (kubectl bulwark report) from the PolicyReports: the
	// OpenReports CRDs are not even served.
	rep, err := operator.Read(ctx, s.Config, operator.ReadOptions{})
	apiserver.Must(t, err)
	if !slices.ContainsFunc(rep.Findings, func(f report.Finding) bool {
		return f.CheckID == "K8S-001" && f.Subject.Name == "web" && f.Status == report.StatusFail && f.Fingerprint == rp.Results[i].Properties[operator.PropFingerprint]
	}) || rep.Summary.Result != "fail" {
		t.Errorf("read back: %d findings, summary %+v", len(rep.Findings), rep.Summary)
	}
}
