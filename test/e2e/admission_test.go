package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the bulwark command once: the webhook runs as users run
// it, a separate process stopped by SIGTERM.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bulwark-e2e-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "bulwark")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/bulwark-sec/bulwark/cmd/bulwark").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// servingCert writes a CA and a serving certificate for 127.0.0.1 signed
// by it; it returns the CA in PEM for the webhook's caBundle.
func servingCert(t *testing.T, dir string) (certFile, keyFile string, caPEM []byte) {
	t.Helper()
	certFile, keyFile, caPEM, err := tlstest.ServingCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, caPEM
}

// freePort finds a loopback port for the webhook.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// warnings collects the Warning headers the API server relays.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

func admissionPod(ns, name string, privileged bool) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "app", Image: "myacr.azurecr.io/app@sha256:" + strings.Repeat("a", 64),
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
		},
	}
	if privileged {
		p.Spec.Containers[0].SecurityContext.Privileged = ptr.To(true)
		p.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
	}
	return p
}

// webhook is a running `bulwark admission serve` process.
type webhook struct {
	base   string // https://127.0.0.1:port
	caPEM  []byte
	hc     *http.Client
	pool   *x509.CertPool
	stderr *bytes.Buffer
	stop   func()
}

// startWebhook runs `bulwark admission serve` with args on a loopback port
// of its own, with a serving certificate for 127.0.0.1, until it is ready
// (serving, namespace labels read). stop sends SIGTERM and checks the
// process ends cleanly; it also runs at the end of the test.
func startWebhook(t *testing.T, s *apiserver.Server, args ...string) *webhook {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile, caPEM := servingCert(t, dir)
	port := freePort(t)
	cmd := exec.Command(binary(t), append([]string{"admission", "serve", "--tls-cert", certFile, "--tls-key", keyFile,
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--kubeconfig", s.Kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("webhook exit after SIGTERM: %v\nstderr: %s", err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("webhook still running 15 s after SIGTERM")
		}
	}
	t.Cleanup(stop)

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	w := &webhook{base: fmt.Sprintf("https://127.0.0.1:%d", port), caPEM: caPEM, hc: hc, pool: pool, stderr: &stderr, stop: stop}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := hc.Get(w.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return w
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook not ready after 30 s: %v\nstderr: %s", err, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAdmissionWebhook runs `bulwark admission serve` against the real
// kube-apiserver, registered with a ValidatingWebhookConfiguration whose
// clientConfig.url points at it over TLS on loopback.
func TestAdmissionWebhook(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	wh := startWebhook(t, s, "--fail-on", "high")
	stop, hc, base, caPEM, stderr := wh.stop, wh.hc, wh.base, wh.caPEM, wh.stderr
	// TLS below 1.2 is refused.
	old := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: wh.pool, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("the webhook accepted TLS 1.1")
	}

	for _, ns := range []struct{ name, mode string }{{"adm-enforce", ""}, {"adm-warn", "warn"}} {
		labels := map[string]string{"bulwark-e2e-admission": "true"}
		if ns.mode != "" {
			labels[admission.ModeLabel] = ns.mode
		}
		if _, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	url := base + "/validate"
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "bulwark-e2e"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "validate.bulwark.dev",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM},
			AdmissionReviewVersions: []string{"v1"},
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			FailurePolicy:           ptr.To(admissionregistrationv1.Fail),
			TimeoutSeconds:          ptr.To(int32(5)),
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"bulwark-e2e-admission": "true"}},
			Rules: []admissionregistrationv1.RuleWithOperations{
				{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}},
				{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"}}},
			},
		}},
	}
	if _, err := s.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, vwc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = s.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, vwc.Name, metav1.DeleteOptions{})
	}()

	warn := &warnings{}
	cfg := rest.CopyConfig(s.Config)
	cfg.WarningHandler = warn
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// The API server picks the configuration up within a second or so:
	// retry until the privileged pod meets the webhook.
	var denied error
	for i := 0; ; i++ {
		_, denied = client.CoreV1().Pods("adm-enforce").Create(ctx, admissionPod("adm-enforce", fmt.Sprintf("priv-%d", i), true), metav1.CreateOptions{})
		if denied != nil || i == 50 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if denied == nil {
		t.Fatal("a privileged pod was admitted in an enforce namespace")
	}
	for _, want := range []string{`admission webhook "validate.bulwark.dev" denied the request`, "bulwark denied Pod adm-enforce/priv-", "K8S-001 spec.containers[0].securityContext.privileged:", "Fix: "} {
		if !strings.Contains(denied.Error(), want) {
			t.Errorf("denial lacks %q:\n%v", want, denied)
		}
	}
	// A compliant pod is admitted, without warnings.
	if _, err := client.CoreV1().Pods("adm-enforce").Create(ctx, admissionPod("adm-enforce", "web", false), metav1.CreateOptions{}); err != nil {
		t.Errorf("compliant pod denied: %v", err)
	}
	if w := warn.take(); len(w) != 0 {
		t.Errorf("compliant pod drew warnings: %v", w)
	}
	// In a warn namespace a privileged Deployment is admitted, and the
	// client sees the findings as Warning headers.
	p := admissionPod("adm-warn", "x", true)
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: "adm-warn"}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "debug"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "debug"}}, Spec: p.Spec}}}
	if _, err := client.AppsV1().Deployments("adm-warn").Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatalf("deployment in a warn namespace denied: %v", err)
	}
	w := warn.take()
	if !containsPrefix(w, "K8S-001 spec.template.spec.containers[0].securityContext.privileged:") {
		t.Errorf("warnings %q lack K8S-001", w)
	}

	// Metrics count what was decided.
	resp, err := hc.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	_, _ = metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`bulwark_admission_request_duration_seconds_count{decision="deny",kind="Pod"}`, `decision="warn",kind="Deployment"`} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	stop()
	if !strings.Contains(stderr.String(), "serving https://127.0.0.1:") {
		t.Errorf("no start line on stderr: %s", stderr.String())
	}
}

func containsPrefix(ss []string, prefix string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
