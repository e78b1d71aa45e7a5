package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// The service API as a long-lived process uses it: built once, then one
// call per admission request or changed object. Targets (issue 12): one
// Pod through Pod Security + every workload check + decide under 100 µs
// with a handful of allocations per check; a namespace's worth of objects
// (100, with the RBAC and NetworkPolicy models) in proportion.

// service builds the service over a source: check.Admission runs the
// checks that judge one object (what the webhook runs per request),
// check.Cluster adds the cross-object models (RBAC, NetworkPolicy).
func service(b *testing.B, source check.Source) *scan.Service {
	b.Helper()
	svc, err := scan.NewService(scan.Options{
		Settings: *checktest.DefaultSettings(),
		Gate:     decide.Gate{FailOn: finding.SeverityHigh},
		Now:      time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
	}, "bench", source)
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// realisticPod is a Pod as a Deployment creates it: labels, two
// containers with resources, probes, env and mounts, a restricted
// security context but for one finding or two.
func realisticPod(ns, name string) *corev1.Pod {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: mustQ("100m"), corev1.ResourceMemory: mustQ("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: mustQ("256Mi")},
	}
	sc := &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
			Labels:      map[string]string{"app": "web", "pod-template-hash": "5d8f7c9b6"},
			Annotations: map[string]string{"prometheus.io/scrape": "true"}},
		Spec: corev1.PodSpec{
			ServiceAccountName: "web",
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			Containers: []corev1.Container{
				{Name: "web", Image: "myacr.azurecr.io/shop/web:1.4.2", Resources: res, SecurityContext: sc,
					Ports: []corev1.ContainerPort{{ContainerPort: 8080}}, LivenessProbe: probe, ReadinessProbe: probe,
					Env:          []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "DB_HOST", Value: "postgres"}},
					VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}},
				{Name: "proxy", Image: "mcr.microsoft.com/oss/envoyproxy/envoy:v1.31.0", Resources: res, SecurityContext: sc},
			},
		},
	}
}

func mustQ(s string) resource.Quantity { return resource.MustParse(s) }

func BenchmarkServiceOnePod(b *testing.B) {
	b.Run("admission", func(b *testing.B) { benchOnePod(b, service(b, check.Admission)) })
	b.Run("cluster", func(b *testing.B) { benchOnePod(b, service(b, check.Cluster)) })
}

func benchOnePod(b *testing.B, svc *scan.Service) {
	pod := realisticPod("shop", "web-5d8f7c9b6-x2x7k")
	ctx := context.Background()
	n := 0
	for _, c := range svc.Checks() {
		if c.AppliesTo("Pod") {
			n++
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Evaluate(ctx, pod); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "checks")
}

// namespaceObjects is one namespace's worth: 20 Deployments with their
// Services, 20 ServiceAccounts, 10 Roles and RoleBindings, 10
// NetworkPolicies, 20 Pods: 100 objects.
func namespaceObjects(ns string) []runtime.Object {
	var objs []runtime.Object
	for i := range 20 {
		app := fmt.Sprintf("app%d", i)
		pod := realisticPod(ns, app)
		pod.Labels = map[string]string{"app": app}
		pod.Spec.ServiceAccountName = app
		objs = append(objs,
			&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns}, Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To(int32(2)), Selector: &metav1.LabelSelector{MatchLabels: pod.Labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns}, Spec: corev1.ServiceSpec{
				Selector: pod.Labels, Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}}},
			&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns}, AutomountServiceAccountToken: ptr.To(false)},
			pod,
		)
		if i%2 == 0 {
			objs = append(objs,
				&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns}, Rules: []rbacv1.PolicyRule{
					{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}},
				&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns},
					RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: app},
					Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: app, Namespace: ns}}},
				&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns}, Spec: networkingv1.NetworkPolicySpec{
					PodSelector: metav1.LabelSelector{MatchLabels: pod.Labels},
					PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
					Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}}}},
			)
		}
	}
	return objs
}

func BenchmarkServiceNamespace(b *testing.B) {
	svc := service(b, check.Cluster)
	objs := namespaceObjects("shop")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Evaluate(ctx, objs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(objs)), "objects")
}
