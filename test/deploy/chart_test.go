package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

const chart = "../../deploy/helm/bulwark"

// digest stands for the image's digest, which the chart requires.
var digest = "sha256:" + strings.Repeat("ab", 32)

func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := os.Getenv("BULWARK_HELM")
	if bin == "" {
		needs.Missing(t, `BULWARK_HELM is not set: run eval "$(hack/install-tools.sh)", which builds helm from the Go module proxy`)
	}
	cmd := exec.Command(bin, args...)
	// No repositories, plugins or caches of the machine's user.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CONFIG_HOME="+home, "HELM_CACHE_HOME="+home, "HELM_DATA_HOME="+home)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// render writes the chart's manifests as `helm template` renders them.
func render(t *testing.T, set ...string) string {
	t.Helper()
	args := []string{"template", "bulwark", chart, "--namespace", "bulwark", "--set", "image.digest=" + digest}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	out, err := helm(t, args...)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	p := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChartLints(t *testing.T) {
	if out, err := helm(t, "lint", chart, "--strict", "--set", "image.digest="+digest); err != nil {
		t.Fatalf("helm lint: %v\n%s", err, out)
	}
	// The image must be pinned: no digest is a render error that says so.
	out, err := helm(t, "template", "bulwark", chart)
	if err == nil || !strings.Contains(out, "image.digest is required") {
		t.Errorf("rendered without a digest: %v\n%s", err, out)
	}
}

// TestChartPassesItsOwnCatalog: Bulwark's own deployment, rendered as a
// user installs it, has no finding at any severity, with the namespace
// enforcing the restricted Pod Security level.
func TestChartPassesItsOwnCatalog(t *testing.T) {
	bin := bulwarkBinary(t)
	p := render(t)
	code, out, errOut := run(bin, "scan", "manifests", p, "--fail-on", "info", "--pss-enforce", "restricted")
	if code != 0 || !strings.Contains(out, "Findings: 0") {
		t.Fatalf("scan of the rendered chart: exit %d\n%s\n%s", code, out, errOut)
	}
	rendered, _ := os.ReadFile(p)
	for _, want := range []string{"kind: ValidatingWebhookConfiguration", "kind: PodDisruptionBudget", "replicas: 2",
		"- kube-system\n      - bulwark", "failurePolicy: Fail", "timeoutSeconds: 5", "cert-manager.io/inject-ca-from: bulwark/bulwark"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
}

// Without cert-manager the chart makes its own CA and key pair at render
// time: the TLS key is then in the rendered manifest (and Helm's release
// Secret), which K8S-074 reports, and nothing else.
func TestChartSelfSignedBootstrap(t *testing.T) {
	bin := bulwarkBinary(t)
	p := render(t, "certificates.certManager=false", "webhook.failurePolicy=Ignore", "webhook.timeoutSeconds=3")
	code, out, errOut := run(bin, "scan", "manifests", p, "--fail-on", "info", "-f", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (K8S-074)\n%s", code, errOut)
	}
	if n := strings.Count(out, `"checkID": "K8S-074"`); n != 1 || strings.Count(out, `"checkID":`) != 1 {
		t.Errorf("want exactly one K8S-074 finding:\n%s", out)
	}
	rendered, _ := os.ReadFile(p)
	for _, want := range []string{"caBundle: ", "failurePolicy: Ignore", "timeoutSeconds: 3", "type: kubernetes.io/tls"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
}

// With the image gate and digest pinning on, the chart adds the gate's
// flags and volumes and a MutatingWebhookConfiguration limited to the
// namespaces that opt in; the rendered chart still has no finding. Off by
// default, it renders no mutating webhook.
func TestChartImageGateAndPinning(t *testing.T) {
	bin := bulwarkBinary(t)
	p := render(t, "webhook.images.enabled=true", "webhook.images.dataClaim=bulwark-data",
		"webhook.images.trustPolicyConfigMap=bulwark-notation", "webhook.pinDigests=true")
	code, out, errOut := run(bin, "scan", "manifests", p, "--fail-on", "info", "--pss-enforce", "restricted")
	if code != 0 || !strings.Contains(out, "Findings: 0") {
		t.Fatalf("scan of the rendered chart: exit %d\n%s\n%s", code, out, errOut)
	}
	rendered, _ := os.ReadFile(p)
	for _, want := range []string{"kind: MutatingWebhookConfiguration", "path: /mutate", "admission.bulwark.dev/pin-digests: \"true\"",
		"- --images", "- --trust-policy=/etc/bulwark-notation", "claimName: bulwark-data", "path: truststore/x509/ca/bulwark/ca.pem"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
	if def, _ := os.ReadFile(render(t)); strings.Contains(string(def), "MutatingWebhookConfiguration") || strings.Contains(string(def), "--images") {
		t.Error("the default chart renders the mutating webhook or the image gate")
	}
	// Pinning without the gate has no digests to pin: a render error.
	out, err := helm(t, "template", "bulwark", chart, "--set", "image.digest="+digest, "--set", "webhook.pinDigests=true")
	if err == nil || !strings.Contains(out, "needs webhook.images.enabled") {
		t.Errorf("pinDigests without images rendered: %v\n%s", err, out)
	}
}

// TestChartOperatorPassesItsOwnCatalog: with the operator enabled, the
// chart adds the OpenReports CRDs, the operator's Deployment, its
// read-only ClusterRole and its NetworkPolicy, and still has no finding.
func TestChartOperatorPassesItsOwnCatalog(t *testing.T) {
	bin := bulwarkBinary(t)
	p := render(t, "operator.enabled=true", "policy=failOn: high")
	code, out, errOut := run(bin, "scan", "manifests", p, "--fail-on", "info", "--pss-enforce", "restricted")
	if code != 0 || !strings.Contains(out, "Findings: 0") {
		t.Fatalf("scan of the rendered chart: exit %d\n%s\n%s", code, out, errOut)
	}
	rendered, _ := os.ReadFile(p)
	for _, want := range []string{"name: reports.openreports.io", "name: clusterreports.openreports.io",
		"- operator\n", "--leader-elect=true", "--policy-configmap=bulwark-policy", "app.kubernetes.io/name: bulwark-operator"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
	// The webhook's objects do not select the operator's pods.
	if strings.Count(string(rendered), "app.kubernetes.io/name: bulwark-operator") < 3 {
		t.Error("the operator's pods are not told apart from the webhook's")
	}
	if strings.Contains(string(rendered), "resources: [secrets]") {
		t.Error("the operator may list Secrets without operator.readSecretMetadata")
	}

	// Listing Secrets, even for their metadata, is reading them as far as
	// RBAC goes: Bulwark says so, and nothing else.
	p = render(t, "operator.enabled=true", "operator.readSecretMetadata=true")
	code, out, errOut = run(bin, "scan", "manifests", p, "--fail-on", "info", "--pss-enforce", "restricted")
	if code != 1 || !strings.Contains(out, "K8S-102") || !strings.Contains(out, "Findings: 1 ") || !strings.Contains(out, "bulwark-operator-read") {
		t.Errorf("scan with readSecretMetadata: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestChartOperatorPolicyReportAndImages: operator.reportFormat
// policyreport installs the wgpolicyk8s.io CRDs instead of the
// OpenReports ones and grants writing those reports only; with
// operator.images the shared scan cache is mounted read-only, and the
// chart still has no finding.
func TestChartOperatorPolicyReportAndImages(t *testing.T) {
	bin := bulwarkBinary(t)
	p := render(t, "operator.enabled=true", "operator.reportFormat=policyreport", "operator.images.enabled=true",
		"operator.images.volume.persistentVolumeClaim.claimName=bulwark-cache", "operator.images.reverifyInterval=6h")
	code, out, errOut := run(bin, "scan", "manifests", p, "--fail-on", "info", "--pss-enforce", "restricted")
	if code != 0 || !strings.Contains(out, "Findings: 0") {
		t.Fatalf("scan of the rendered chart: exit %d\n%s\n%s", code, out, errOut)
	}
	rendered, _ := os.ReadFile(p)
	for _, want := range []string{"name: policyreports.wgpolicyk8s.io", "name: clusterpolicyreports.wgpolicyk8s.io",
		"resources: [policyreports, clusterpolicyreports]", "--report-format=policyreport", "- --images\n",
		"--cache-dir=/var/cache/bulwark/images", "--reverify-interval=6h", "claimName: bulwark-cache", "mountPath: /var/cache/bulwark\n          readOnly: true"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
	if strings.Contains(string(rendered), "openreports.io") && strings.Contains(string(rendered), "name: reports.openreports.io") {
		t.Error("the OpenReports CRDs are installed with reportFormat policyreport")
	}
	if strings.Contains(string(rendered), "resources: [reports, clusterreports]") {
		t.Error("the operator may write OpenReports with reportFormat policyreport")
	}
	if out, err := helm(t, "template", "bulwark", chart, "--set", "image.digest="+digest, "--set", "operator.enabled=true", "--set", "operator.images.enabled=true"); err == nil || !strings.Contains(out, "operator.images.volume") {
		t.Errorf("images without a volume: %v\n%s", err, out)
	}
}
