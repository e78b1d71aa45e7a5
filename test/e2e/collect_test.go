package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

const secretValue = "e2e-secret-value-do-not-print"

// ownedBy makes obj's controller owner.
func ownedBy(kind, apiVersion string, owner metav1.Object) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: owner.GetName(), UID: owner.GetUID(), Controller: ptr.To(true)}}
}

func pod(ns, name string, owners []metav1.OwnerReference) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, OwnerReferences: owners, Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
	}
}

// loadKinds creates testdata/kinds.yaml and the controller-owned objects a
// real cluster would have: a ReplicaSet of the Deployment and its Pod, a
// Job of the CronJob and its Pod, and a Pod of the standalone Job.
func loadKinds(t *testing.T, s *apiserver.Server) {
	ctx := context.Background()
	_, skipped, err := s.Load(ctx, "testdata/kinds.yaml")
	apiserver.Must(t, err)
	if len(skipped) > 0 {
		t.Fatalf("kinds the API server does not serve: %v", skipped)
	}
	c := s.Client
	for i := range 4 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kinds", Name: fmt.Sprintf("extra-%d", i)}}
		_, err := c.CoreV1().ConfigMaps("kinds").Create(ctx, cm, metav1.CreateOptions{})
		apiserver.Must(t, err)
	}
	dep, err := c.AppsV1().Deployments("kinds").Get(ctx, "web", metav1.GetOptions{})
	apiserver.Must(t, err)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kinds", Name: "web-5d4f", OwnerReferences: ownedBy("Deployment", "apps/v1", dep)},
		Spec:       appsv1.ReplicaSetSpec{Selector: dep.Spec.Selector, Template: dep.Spec.Template},
	}
	rs, err = c.AppsV1().ReplicaSets("kinds").Create(ctx, rs, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, err = c.CoreV1().Pods("kinds").Create(ctx, pod("kinds", "web-5d4f-x2v", ownedBy("ReplicaSet", "apps/v1", rs)), metav1.CreateOptions{})
	apiserver.Must(t, err)

	cj, err := c.BatchV1().CronJobs("kinds").Get(ctx, "report", metav1.GetOptions{})
	apiserver.Must(t, err)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kinds", Name: "report-29001", OwnerReferences: ownedBy("CronJob", "batch/v1", cj)},
		Spec:       cj.Spec.JobTemplate.Spec,
	}
	job, err = c.BatchV1().Jobs("kinds").Create(ctx, job, metav1.CreateOptions{})
	apiserver.Must(t, err)
	_, err = c.CoreV1().Pods("kinds").Create(ctx, pod("kinds", "report-29001-q8", ownedBy("Job", "batch/v1", job)), metav1.CreateOptions{})
	apiserver.Must(t, err)
	migrate, err := c.BatchV1().Jobs("kinds").Get(ctx, "migrate", metav1.GetOptions{})
	apiserver.Must(t, err)
	_, err = c.CoreV1().Pods("kinds").Create(ctx, pod("kinds", "migrate-7k", ownedBy("Job", "batch/v1", migrate)), metav1.CreateOptions{})
	apiserver.Must(t, err)
}

// TestCollectsEveryKind reads one object (or more) of every kind from a
// real API server, page by page, and checks what the checks are handed.
func TestCollectsEveryKind(t *testing.T) {
	s := shared(t)
	loadKinds(t, s)

	var pages int
	res, err := cluster.Collect(context.Background(), s.Config, cluster.Options{
		Namespaces: []string{"kinds"},
		PageSize:   2,
		Progress:   func(string, int) { pages++ },
	})
	apiserver.Must(t, err)

	want := map[string][2]int{ // kind: collected, controlled (-1: at least one, cluster-scoped)
		"Namespace": {1, 0}, "Node": {-1, 0}, "Pod": {4, 3}, "ReplicationController": {1, 0}, "PodTemplate": {1, 0},
		"Deployment": {1, 0}, "ReplicaSet": {1, 1}, "StatefulSet": {1, 0}, "DaemonSet": {1, 0}, "Job": {2, 1}, "CronJob": {1, 0},
		"ServiceAccount": {1, 0}, "Role": {1, 0}, "ClusterRole": {-1, 0}, "RoleBinding": {1, 0}, "ClusterRoleBinding": {-1, 0},
		"NetworkPolicy": {1, 0}, "Service": {1, 0}, "Ingress": {1, 0}, "ConfigMap": {5, 0}, "Secret": {2, 0},
		"LimitRange": {1, 0}, "ResourceQuota": {1, 0},
	}
	if len(res.Kinds) != len(cluster.Kinds) || len(want) != len(cluster.Kinds) {
		t.Fatalf("%d kinds in the result, %d read, %d expected", len(res.Kinds), len(cluster.Kinds), len(want))
	}
	for _, k := range res.Kinds {
		w, ok := want[k.Kind.Kind]
		switch {
		case !ok:
			t.Errorf("unexpected kind %s", k.Kind.Kind)
		case k.Err != nil || k.NotServed:
			t.Errorf("%s: not read: %v (not served %v)", k.Kind.Kind, k.Err, k.NotServed)
		case w[0] < 0 && k.Collected < 1, w[0] >= 0 && k.Collected != w[0]:
			t.Errorf("%s: collected %d, want %d", k.Kind.Kind, k.Collected, w[0])
		case k.Controlled != w[1]:
			t.Errorf("%s: %d controlled, want %d", k.Kind.Kind, k.Controlled, w[1])
		}
	}
	if pages < 15 {
		t.Errorf("only %d pages for %d objects at 2 a page", pages, len(res.Objects))
	}
	if got := res.Info.Server.GitVersion; got != "v1.37.2" {
		t.Errorf("server version %q", got)
	}

	var controlled []string
	for _, o := range res.Info.ControlledPods {
		controlled = append(controlled, o.Meta.Name)
	}
	slices.Sort(controlled)
	if want := []string{"migrate-7k", "report-29001-q8", "web-5d4f-x2v"}; !slices.Equal(controlled, want) {
		t.Errorf("controlled pods %v, want %v", controlled, want)
	}

	wantType := map[string]string{
		"Namespace": "*v1.Namespace", "Node": "*v1.Node", "Pod": "*v1.Pod", "ReplicationController": "*v1.ReplicationController",
		"PodTemplate": "*v1.PodTemplate", "Deployment": "*v1.Deployment", "StatefulSet": "*v1.StatefulSet", "DaemonSet": "*v1.DaemonSet",
		"Job": "*v1.Job", "CronJob": "*v1.CronJob", "ServiceAccount": "*v1.ServiceAccount", "Role": "*v1.Role", "ClusterRole": "*v1.ClusterRole",
		"RoleBinding": "*v1.RoleBinding", "ClusterRoleBinding": "*v1.ClusterRoleBinding", "NetworkPolicy": "*v1.NetworkPolicy",
		"Service": "*v1.Service", "Ingress": "*v1.Ingress", "ConfigMap": "*v1.ConfigMap", "Secret": "*v1.Secret",
		"LimitRange": "*v1.LimitRange", "ResourceQuota": "*v1.ResourceQuota", inventory.ClusterInfoKind: "*inventory.ClusterInfo",
	}
	paths := map[string]bool{}
	for _, o := range append(slices.Clone(res.Objects), res.Info.ControlledPods...) {
		if got := fmt.Sprintf("%T", o.Typed); got != wantType[o.Kind] {
			t.Errorf("%s %s: typed as %s, want %s", o.Kind, o.Meta.Name, got, wantType[o.Kind])
		}
		if o.Meta.ManagedFields != nil {
			t.Errorf("%s %s kept its managedFields", o.Kind, o.Meta.Name)
		}
		if _, ok := o.Meta.Annotations["kubectl.kubernetes.io/last-applied-configuration"]; ok {
			t.Errorf("%s %s kept its last-applied-configuration", o.Kind, o.Meta.Name)
		}
		paths[o.Loc.Resource] = true
		if o.Kind == "ReplicaSet" || o.Meta.Name == "report-29001" {
			t.Errorf("%s %s is owned by a controller that was read, but was handed to the checks", o.Kind, o.Meta.Name)
		}
	}
	for _, p := range []string{
		"/api/v1/namespaces/kinds", "/api/v1/nodes/kinds-node", "/api/v1/namespaces/kinds/pods/debug",
		"/apis/apps/v1/namespaces/kinds/deployments/web", "/apis/batch/v1/namespaces/kinds/cronjobs/report",
		"/apis/rbac.authorization.k8s.io/v1/clusterroles/kinds-reader", "/apis/networking.k8s.io/v1/namespaces/kinds/ingresses/web",
		"/api/v1/namespaces/kinds/secrets/db-credentials", "/version",
	} {
		if !paths[p] {
			t.Errorf("no object at %s", p)
		}
	}

	// Secrets: metadata only, the type of token Secrets, never a value.
	for _, o := range res.Objects {
		sec, ok := o.Typed.(*corev1.Secret)
		if !ok {
			continue
		}
		if sec.Data != nil || sec.StringData != nil {
			t.Errorf("Secret %s has data", sec.Name)
		}
		wantType := corev1.SecretType("")
		if sec.Name == "app-token" {
			wantType = corev1.SecretTypeServiceAccountToken
		}
		if sec.Type != wantType {
			t.Errorf("Secret %s: type %q, want %q", sec.Name, sec.Type, wantType)
		}
	}
	all, err := json.Marshal(res)
	apiserver.Must(t, err)
	for _, v := range []string{secretValue, base64.StdEncoding.EncodeToString([]byte(secretValue))} {
		if strings.Contains(string(all), v) {
			t.Fatalf("the collected objects contain the Secret's value %q", v)
		}
	}

	// The same through the command line: the coverage section.
	r := bulwarkJSON(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "-n", "kinds")
	if r.rep.Summary.Result == "error" {
		t.Fatalf("scan incomplete: %+v %s", r.rep.Errors, r.err)
	}
	if c := coverage(t, r.rep, "Pod"); c.Status != report.CoverageRead || c.Collected != 4 || c.Assessed != 1 || c.Resource != "/api/v1/pods" {
		t.Errorf("Pod coverage %+v", c)
	}
	if c := coverage(t, r.rep, "Secret"); !slices.Equal(c.NotAssessed, []string{"K8S-074"}) || c.Reason == "" {
		t.Errorf("Secret coverage %+v", c)
	}
	if c := coverage(t, r.rep, "*"); c.Status != report.CoverageNotApplicable || !slices.Equal(c.NotAssessed, []string{"K8S-133"}) {
		t.Errorf("all-kinds coverage %+v", c)
	}
	var onDebug bool
	for _, f := range r.rep.Findings {
		if strings.Contains(f.Message, secretValue) || strings.Contains(f.Evidence, secretValue) {
			t.Errorf("finding shows the Secret's value: %+v", f)
		}
		if f.CheckID == "K8S-001" && f.Subject.Name == "debug" {
			onDebug = true
			if f.Location.Resource != "/api/v1/namespaces/kinds/pods/debug" || f.Location.File != "" {
				t.Errorf("K8S-001 located at %+v", f.Location)
			}
		}
		if f.Subject.Kind == "ReplicaSet" || strings.HasPrefix(f.Subject.Name, "web-5d4f") {
			t.Errorf("finding on a controlled object: %s %s", f.CheckID, f.Subject)
		}
	}
	if !onDebug {
		t.Error("no K8S-001 finding on the privileged pod")
	}
}
