package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/detect"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// auditPolicy logs pods and RBAC bindings with their request bodies
// (DET-003 and DET-004 read them) and everything else at Metadata, once
// per request.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: Request
  resources:
  - group: rbac.authorization.k8s.io
    resources: [clusterrolebindings, rolebindings]
  - group: ""
    resources: [pods]
- level: Metadata
`

// TestDetectAuditWebhook: the real kube-apiserver sends its audit events
// to bulwark detect serve over TLS on loopback; an exec, a cluster-admin
// binding and a ServiceAccount reading Secrets each raise their alert
// within a second of the request, and an ordinary Deployment create and
// update raise none.
func TestDetectAuditWebhook(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, caPEM, err := tlstest.ServingCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := admission.LoadCertificate(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	d, err := detect.New(context.Background(), detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	alerts := make(chan report.Alert, 100)
	srv := &detect.Server{Detector: d, Cert: cert, Emit: func(a report.Alert) { alerts <- a },
		Problem: func(e report.InputError) { t.Errorf("webhook input problem: %v", e) }}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})

	caFile := filepath.Join(dir, "ca.crt")
	policyFile := filepath.Join(dir, "audit-policy.yaml")
	webhookFile := filepath.Join(dir, "audit-webhook.yaml")
	webhook := `apiVersion: v1
kind: Config
clusters:
- name: bulwark
  cluster:
    server: https://` + ln.Addr().String() + `/audit
    certificate-authority: ` + caFile + `
contexts:
- name: bulwark
  context: {cluster: bulwark, user: bulwark}
current-context: bulwark
users:
- name: bulwark
  user: {}
`
	for name, data := range map[string]string{caFile: string(caPEM), policyFile: auditPolicy, webhookFile: webhook} {
		if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := apiserver.StartWithFlags(t, map[string]string{
		"audit-policy-file":             policyFile,
		"audit-webhook-config-file":     webhookFile,
		"audit-webhook-batch-max-wait":  "100ms",
		"audit-webhook-initial-backoff": "100ms",
	})
	c := s.Client
	bg := context.Background()
	ns := "detect-e2e"
	must(t, func() error {
		_, err := c.CoreV1().Namespaces().Create(bg, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		return err
	})

	// waitFor returns the first alert of rule matching, within 1 s of
	// the request; an alert about a Deployment on the way fails the test.
	waitFor := func(rule, contains string) report.Alert {
		t.Helper()
		deadline := time.After(time.Second)
		for {
			select {
			case a := <-alerts:
				if strings.Contains(a.Object, "deployments") || strings.Contains(a.Object, "replicasets") {
					t.Errorf("an ordinary Deployment rollout alerted: %+v", a)
				}
				if a.Rule == rule && strings.Contains(a.Message, contains) {
					return a
				}
			case <-deadline:
				t.Fatalf("no %s alert about %q within 1 s", rule, contains)
			}
		}
	}

	// An ordinary Deployment, created then updated: nothing. The alerts
	// arrive in order, so the next alert awaited proves none came first.
	replicas := int32(2)
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}}}}}
	must(t, func() error {
		created, err := c.AppsV1().Deployments(ns).Create(bg, dep, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		created.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
		_, err = c.AppsV1().Deployments(ns).Update(bg, created, metav1.UpdateOptions{})
		return err
	})

	// pods/exec: no kubelet runs, so the exec itself fails, after the
	// authorizer allowed it; the audit event says so.
	must(t, func() error {
		_, err := c.CoreV1().Pods(ns).Create(bg, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "shell", Namespace: ns},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}, metav1.CreateOptions{})
		return err
	})
	execErr := c.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("shell").SubResource("exec").
		Param("command", "sh").Param("stdout", "true").Do(bg).Error()
	if execErr == nil {
		t.Fatal("exec succeeded without a kubelet")
	}
	a := waitFor("DET-001", "ran exec on pod "+ns+"/shell")
	if a.AuditID == "" || len(a.SourceIPs) == 0 || a.Object != "pods/exec "+ns+"/shell" {
		t.Errorf("exec alert %+v", a)
	}

	// A cluster-admin binding for a user.
	must(t, func() error {
		_, err := c.RbacV1().ClusterRoleBindings().Create(bg, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "detect-e2e-backdoor"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "eve"}}}, metav1.CreateOptions{})
		return err
	})
	waitFor("DET-004", "ClusterRoleBinding detect-e2e-backdoor giving User eve full access")

	// Secrets read by a ServiceAccount allowed to, but not declared a
	// reader.
	must(t, func() error {
		if _, err := c.CoreV1().ServiceAccounts(ns).Create(bg, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "reader"}}, metav1.CreateOptions{}); err != nil {
			return err
		}
		if _, err := c.RbacV1().Roles(ns).Create(bg, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}}}, metav1.CreateOptions{}); err != nil {
			return err
		}
		_, err := c.RbacV1().RoleBindings(ns).Create(bg, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "secret-reader"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "reader", Namespace: ns}}}, metav1.CreateOptions{})
		return err
	})
	asSA := rest.CopyConfig(s.Config)
	asSA.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns + ":reader"}
	saClient, err := kubernetes.NewForConfig(asSA)
	if err != nil {
		t.Fatal(err)
	}
	must(t, func() error { _, err := saClient.CoreV1().Secrets(ns).List(bg, metav1.ListOptions{}); return err })
	a = waitFor("DET-006", "system:serviceaccount:"+ns+":reader, not a known reader of Secrets, ran list")
	if a.Impersonator == "" {
		t.Errorf("impersonated read without its impersonator: %+v", a)
	}
}

func must(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}
