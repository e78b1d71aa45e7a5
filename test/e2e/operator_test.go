package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// changeDeadline is how soon a change must reach its namespace's report:
// a correctness deadline (the operator is watch-driven, not polling), not
// a speed measurement; bench/operator measures the latency.
const changeDeadline = 5 * time.Second

// runOperator runs the operator in-process against cfg until the returned
// stop is called (or the test ends); stop waits for it to return.
func runOperator(t *testing.T, cfg operator.Config) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- operator.Run(ctx, cfg) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("operator: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("the operator did not stop within 30 s")
		}
	}
	t.Cleanup(stop)
	return stop
}

func installReportCRDs(t *testing.T, s *apiserver.Server) {
	t.Helper()
	_, err := envtest.InstallCRDs(s.Config, envtest.CRDInstallOptions{Paths: []string{"../../deploy/helm/bulwark/files/crds"}, ErrorIfPathMissing: true})
	apiserver.Must(t, err)
}

func reportClient(t *testing.T, cfg *rest.Config) client.Client {
	t.Helper()
	s, err := operator.Scheme()
	apiserver.Must(t, err)
	c, err := client.New(cfg, client.Options{Scheme: s})
	apiserver.Must(t, err)
	return c
}

// waitReport polls the namespace's report until ok holds, for at most
// within; it fails the test with what the report held last.
func waitReport(t *testing.T, c client.Client, ns string, within time.Duration, what string, ok func(*openreports.Report) bool) *openreports.Report {
	t.Helper()
	deadline := time.Now().Add(within)
	var last *openreports.Report
	for {
		var rp openreports.Report
		err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: operator.ReportName}, &rp)
		if err == nil {
			last = &rp
			if ok(&rp) {
				return &rp
			}
		}
		if time.Now().After(deadline) {
			if last == nil {
				t.Fatalf("%s: no report in namespace %s after %s (last error: %v)", what, ns, within, err)
			}
			t.Fatalf("%s: not so after %s; the report holds %d results: %v", what, within, len(last.Results), summarize(last.Results))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func summarize(rs []openreports.ReportResult) []string {
	var out []string
	for _, r := range rs {
		s := r.Policy + ":" + string(r.Result)
		if len(r.Subjects) > 0 {
			s += ":" + r.Subjects[0].Kind + "/" + r.Subjects[0].Name
		}
		out = append(out, s)
	}
	return out
}

// resultFor is the result of check on the subject kind/name, if any.
func resultFor(rp *openreports.Report, check, kind, name string) (openreports.ReportResult, bool) {
	for _, r := range rp.Results {
		if r.Policy == check && len(r.Subjects) > 0 && r.Subjects[0].Kind == kind && r.Subjects[0].Name == name {
			return r, true
		}
	}
	return openreports.ReportResult{}, false
}

func aboutSubject(rp *openreports.Report, kind, name string) bool {
	return slices.ContainsFunc(rp.Results, func(r openreports.ReportResult) bool {
		return len(r.Subjects) > 0 && r.Subjects[0].Kind == kind && r.Subjects[0].Name == name
	})
}

func deployment(ns, name string, privileged bool) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27",
					SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(privileged)}}}},
			},
		},
	}
}

// TestOperator runs the operator against a real API server: a change to a
// Deployment's securityContext reaches its namespace's report, a deletion
// takes its results out, first-seen dates survive a restart.
func TestOperator(t *testing.T) {
	s := apiserver.Start(t)
	installReportCRDs(t, s)
	ctx := context.Background()
	c := s.Client
	for _, ns := range []string{"shop", "quiet"} {
		_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		apiserver.Must(t, err)
	}
	_, err := c.AppsV1().Deployments("shop").Create(ctx, deployment("shop", "web", false), metav1.CreateOptions{})
	apiserver.Must(t, err)

	// The first run judges as of 30 days ago: what it finds was first
	// seen then.
	earlier := time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02")
	cfg := operator.Config{Rest: s.Config, Flags: defaultFlags(), ClusterDelay: time.Second}
	cfg.Flags.AsOf = earlier
	stop := runOperator(t, cfg)
	rc := reportClient(t, s.Config)

	rp := waitReport(t, rc, "shop", 30*time.Second, "first report of shop", func(rp *openreports.Report) bool {
		return aboutSubject(rp, "Deployment", "web")
	})
	if _, ok := resultFor(rp, "K8S-001", "Deployment", "web"); ok {
		t.Fatalf("K8S-001 on web before it is privileged: %v", summarize(rp.Results))
	}
	if rp.Scope == nil || rp.Scope.Kind != "Namespace" || rp.Scope.Name != "shop" || rp.Source != "bulwark" {
		t.Errorf("report scope/source: %+v %q", rp.Scope, rp.Source)
	}
	for _, r := range rp.Results {
		if r.Properties[operator.PropFingerprint] != "" && r.Properties[operator.PropFirstSeen] != earlier {
			t.Errorf("%s first seen %q, want %s", r.Policy, r.Properties[operator.PropFirstSeen], earlier)
		}
	}
	quiet := waitReport(t, rc, "quiet", 30*time.Second, "report of an empty namespace", func(*openreports.Report) bool { return true })
	if aboutSubject(quiet, "Deployment", "web") {
		t.Errorf("the report of quiet holds shop's deployment: %v", summarize(quiet.Results))
	}
	waitCluster(t, rc)

	// A securityContext change reaches the report.
	dep, err := c.AppsV1().Deployments("shop").Get(ctx, "web", metav1.GetOptions{})
	apiserver.Must(t, err)
	dep.Spec.Template.Spec.Containers[0].SecurityContext.Privileged = ptr.To(true)
	_, err = c.AppsV1().Deployments("shop").Update(ctx, dep, metav1.UpdateOptions{})
	apiserver.Must(t, err)
	rp = waitReport(t, rc, "shop", changeDeadline, "privileged web reported", func(rp *openreports.Report) bool {
		_, ok := resultFor(rp, "K8S-001", "Deployment", "web")
		return ok
	})
	r, _ := resultFor(rp, "K8S-001", "Deployment", "web")
	if r.Severity != "critical" || r.Result != "fail" || r.Properties[operator.PropField] == "" ||
		r.Properties[operator.PropFingerprint] == "" || !strings.Contains(r.Description, "rivileged") {
		t.Errorf("K8S-001 result: %+v", r)
	}
	if rp.Summary.Fail == 0 {
		t.Errorf("summary counts no failure: %+v", rp.Summary)
	}

	// kubectl bulwark report prints it as a scan's report.
	// The plugin runs as its own process, as kubectl runs it (in this
	// process it would share klog's globals with the running operator).
	plugin := filepath.Join(t.TempDir(), "kubectl-bulwark")
	if b, err := exec.Command("go", "build", "-o", plugin, "../../cmd/kubectl-bulwark").CombinedOutput(); err != nil {
		t.Fatalf("build kubectl-bulwark: %v\n%s", err, b)
	}
	var out, errOut strings.Builder
	kc := exec.Command(plugin, "report", "-n", "shop", "--kubeconfig", s.Kubeconfig, "--format", "json")
	kc.Stdout, kc.Stderr = &out, &errOut
	_ = kc.Run()
	code := kc.ProcessState.ExitCode()
	var back report.Report
	if err := json.Unmarshal([]byte(out.String()), &back); err != nil {
		t.Fatalf("kubectl bulwark report: exit %d, %v\n%s", code, err, errOut.String())
	}
	if code != report.ExitFail || back.Summary.Result != "fail" || !slices.ContainsFunc(back.Findings, func(f report.Finding) bool {
		return f.CheckID == "K8S-001" && f.Subject.Name == "web" && f.Status == report.StatusFail && f.Fingerprint == r.Properties[operator.PropFingerprint]
	}) {
		t.Errorf("kubectl bulwark report: exit %d, %d findings, summary %+v", code, len(back.Findings), back.Summary)
	}
	stop()

	// Restarted, judging as of today: what was found before keeps its
	// first-seen date; what is new is first seen today.
	today := time.Now().UTC().Format("2006-01-02")
	cfg.Flags.AsOf = today
	stop = runOperator(t, cfg)
	_, err = c.AppsV1().Deployments("shop").Create(ctx, deployment("shop", "api", true), metav1.CreateOptions{})
	apiserver.Must(t, err)
	rp = waitReport(t, rc, "shop", 30*time.Second, "api reported after the restart", func(rp *openreports.Report) bool {
		_, ok := resultFor(rp, "K8S-001", "Deployment", "api")
		return ok
	})
	if r, _ := resultFor(rp, "K8S-001", "Deployment", "api"); r.Properties[operator.PropFirstSeen] != today {
		t.Errorf("api first seen %q, want %s", r.Properties[operator.PropFirstSeen], today)
	}
	for _, r := range rp.Results {
		if len(r.Subjects) > 0 && r.Subjects[0].Name == "web" && r.Properties[operator.PropFirstSeen] != earlier {
			t.Errorf("after a restart, %s on web first seen %q, want %s (kept from the report)", r.Policy, r.Properties[operator.PropFirstSeen], earlier)
		}
	}

	// A deletion takes the deployment's results out.
	apiserver.Must(t, c.AppsV1().Deployments("shop").Delete(ctx, "web", metav1.DeleteOptions{}))
	waitReport(t, rc, "shop", changeDeadline, "web's results gone", func(rp *openreports.Report) bool {
		return !aboutSubject(rp, "Deployment", "web") && aboutSubject(rp, "Deployment", "api")
	})
	stop()
}

func waitCluster(t *testing.T, rc client.Client) *openreports.ClusterReport {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var cr openreports.ClusterReport
		err := rc.Get(context.Background(), client.ObjectKey{Name: operator.ClusterReportName}, &cr)
		if err == nil {
			return &cr
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cluster report after 30 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOperatorNotAssessed: an operator whose credentials cannot list
// Secrets says, in the report, which checks did not assess the namespace,
// rather than passing them.
func TestOperatorNotAssessed(t *testing.T) {
	s := apiserver.Start(t)
	installReportCRDs(t, s)
	ctx := context.Background()
	_, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, err = s.Client.AppsV1().Deployments("shop").Create(ctx, deployment("shop", "web", false), metav1.CreateOptions{})
	apiserver.Must(t, err)

	// Everything the operator reads but Secrets, and its reports.
	var rules []rbacv1.PolicyRule
	for _, k := range cluster.Kinds {
		if k.Kind != "Secret" {
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{k.Group}, Resources: []string{k.Resource}, Verbs: []string{"get", "list", "watch"}})
		}
	}
	rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{"openreports.io"}, Resources: []string{"reports", "clusterreports"},
		Verbs: []string{"get", "list", "create", "update"}})
	_, err = s.Client.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "no-secrets"}, Rules: rules}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, err = s.Client.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "no-secrets"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "no-secrets"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "restricted"}},
	}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, restricted, err := s.AddUser("restricted")
	apiserver.Must(t, err)

	runOperator(t, operator.Config{Rest: restricted, Flags: defaultFlags()})
	rp := waitReport(t, reportClient(t, s.Config), "shop", 30*time.Second, "not assessed checks reported", func(rp *openreports.Report) bool {
		return slices.ContainsFunc(rp.Results, func(r openreports.ReportResult) bool {
			return r.Properties[operator.PropStatus] == operator.StatusNotAssessed
		})
	})
	var ids []string
	for _, r := range rp.Results {
		if r.Properties[operator.PropStatus] != operator.StatusNotAssessed {
			continue
		}
		ids = append(ids, r.Policy)
		if r.Result != "error" || !strings.Contains(r.Description, "not assessed") || !strings.Contains(r.Description, "secrets") {
			t.Errorf("not assessed result: %+v", r)
		}
	}
	// The RBAC checks read Secrets (token Secrets are credentials).
	if !slices.ContainsFunc(ids, func(id string) bool { return strings.HasPrefix(id, "K8S-") }) || rp.Summary.Error != len(ids) {
		t.Errorf("not assessed: %v, summary %+v", ids, rp.Summary)
	}
	// What could be read was still judged.
	if !aboutSubject(rp, "Deployment", "web") {
		t.Errorf("web not judged: %v", summarize(rp.Results))
	}
}

// defaultFlags are the operator's flags as the command line defaults them.
func defaultFlags() scan.Flags {
	return scan.Flags{FailOn: "high", PSSLevel: "restricted", PSSVersion: "latest", MaxFileSize: scan.DefaultMaxFileSize, NoPolicyFile: true}
}
