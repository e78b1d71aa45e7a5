package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// The RBAC and NetworkPolicy analysis at cluster scale: 10,000 pods,
// 1,000 NetworkPolicies and 2,000 RBAC bindings, generated in memory (no
// YAML: this measures the models and the checks, not the loader), must be
// evaluated by every RBAC and network check in under 2 s on 2 cores.
//
//	go test -run='^$' -bench=RBACNet -benchmem ./bench/

const (
	rnNamespaces  = 50
	rnPods        = 10_000
	rnPolicies    = 1_000
	rnBindings    = 2_000
	rnSAsPerNS    = 20
	rnRolesPerNS  = 8
	rnClusterRole = 40
)

// rbacNetChecks are the checks of the RBAC and network analysis.
var rbacNetChecks = []string{
	"K8S-063", "K8S-080", "K8S-082", "K8S-083", "K8S-084",
	"K8S-100", "K8S-101", "K8S-102", "K8S-103", "K8S-104", "K8S-105", "K8S-106", "K8S-107", "K8S-108", "K8S-109", "K8S-110",
	"K8S-111", "K8S-112", "K8S-113", "K8S-114", "K8S-115", "K8S-121", "K8S-123",
}

func rbacNetCheckList(tb testing.TB) []*check.Check {
	var out []*check.Check
	for _, id := range rbacNetChecks {
		c, ok := check.Lookup(id)
		if !ok {
			tb.Fatalf("check %s is not registered", id)
		}
		out = append(out, c)
	}
	return out
}

// rnGen generates a cluster's worth of typed objects from a fixed seed.
type rnGen struct {
	r    *rand.Rand
	objs []*inventory.Object
	// counts by kind, for the test.
	counts map[string]int
}

func (g *rnGen) add(apiVersion, kind string, meta *metav1.ObjectMeta, typed any) {
	o := inventory.NewObject(metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}, meta, typed,
		finding.Location{File: fmt.Sprintf("gen/%s.yaml", meta.Namespace), Line: len(g.objs) + 1}, nil)
	g.objs = append(g.objs, o)
	g.counts[kind]++
}

func (g *rnGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

var (
	rnApps  = []string{"web", "api", "worker", "db", "cache", "queue", "auth", "search", "report", "gateway"}
	rnTiers = []string{"frontend", "backend", "data"}
)

// generateRBACNet returns the objects of a cluster with the sizes above.
func generateRBACNet(seed uint64) ([]*inventory.Object, map[string]int) {
	g := &rnGen{r: rand.New(rand.NewPCG(seed, seed^0x5bd1e995)), counts: map[string]int{}}
	ns := func(i int) string { return fmt.Sprintf("team-%02d", i) }
	for i := range rnNamespaces {
		n := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns(i), Labels: map[string]string{"team": fmt.Sprintf("t%d", i%10), "env": g.pick("prod", "dev")}}}
		g.add("v1", "Namespace", &n.ObjectMeta, n)
		for j := range rnSAsPerNS {
			sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("sa-%02d", j), Namespace: ns(i)}}
			if j%2 == 0 {
				f := false
				sa.AutomountServiceAccountToken = &f
			}
			g.add("v1", "ServiceAccount", &sa.ObjectMeta, sa)
		}
		if i%5 == 0 {
			s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ci-token", Namespace: ns(i), Annotations: map[string]string{corev1.ServiceAccountNameKey: "sa-01"}},
				Type: corev1.SecretTypeServiceAccountToken}
			g.add("v1", "Secret", &s.ObjectMeta, s)
		}
	}
	for i := range rnPods {
		g.workload(ns(i%rnNamespaces), i)
	}
	for i := range rnPolicies {
		g.policy(ns(i%rnNamespaces), i)
	}
	g.roles(ns)
	for i := range rnBindings {
		g.binding(ns, i)
	}
	return g.objs, g.counts
}

func (g *rnGen) podTemplate(i int) corev1.PodTemplateSpec {
	// Pods are spread over namespaces round-robin (i % rnNamespaces); the
	// app cycles within each namespace.
	app := rnApps[(i/rnNamespaces)%len(rnApps)]
	t := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app, "tier": g.pick(rnTiers...), "instance": fmt.Sprintf("%s-%d", app, i%37)}},
		Spec: corev1.PodSpec{
			ServiceAccountName: fmt.Sprintf("sa-%02d", g.r.IntN(rnSAsPerNS)),
			Containers: []corev1.Container{{Name: "app", Image: "contoso.azurecr.io/" + app + ":1.0",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}}}},
		},
	}
	if g.r.IntN(50) == 0 {
		t.Spec.HostNetwork = true
	}
	return t
}

func (g *rnGen) workload(ns string, i int) {
	name := fmt.Sprintf("%s-%05d", rnApps[(i/rnNamespaces)%len(rnApps)], i)
	tpl := g.podTemplate(i)
	switch x := g.r.IntN(100); {
	case x < 60:
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: appsv1.DeploymentSpec{Template: tpl}}
		g.add("apps/v1", "Deployment", &d.ObjectMeta, d)
	case x < 70:
		s := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: appsv1.StatefulSetSpec{Template: tpl}}
		g.add("apps/v1", "StatefulSet", &s.ObjectMeta, s)
	case x < 80:
		c := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
		c.Spec.JobTemplate.Spec.Template = tpl
		g.add("batch/v1", "CronJob", &c.ObjectMeta, c)
	case x < 85:
		d := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: appsv1.DaemonSetSpec{Template: tpl}}
		g.add("apps/v1", "DaemonSet", &d.ObjectMeta, d)
	default:
		p := &corev1.Pod{ObjectMeta: tpl.ObjectMeta, Spec: tpl.Spec}
		p.Name, p.Namespace = name, ns
		g.add("v1", "Pod", &p.ObjectMeta, p)
	}
}

func (g *rnGen) policy(ns string, i int) {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	port := func(p intstr.IntOrString, proto *corev1.Protocol) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Port: &p, Protocol: proto}
	}
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np-%04d", i), Namespace: ns}}
	switch k := i / rnNamespaces; k {
	case 0: // default deny in most namespaces
		switch x := g.r.IntN(10); {
		case x < 7:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		case x < 9: // "temporarily" open egress
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{}}
		default: // none: only the monitoring agent is isolated
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "metrics-agent"}}
		}
	case 1: // DNS for everyone
		np.Spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpExists}}}
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
			To:    []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{netpol.LabelNamespaceName: "kube-system"}}, PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}}},
			Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(53), &udp), port(intstr.FromInt32(53), &tcp)},
		}}
	default: // policies for most apps (not the last two), some with mistakes
		app := rnApps[k%(len(rnApps)-2)]
		np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
		if g.r.IntN(20) == 0 {
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": app + "-typo"}}
		}
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
			From: []networkingv1.NetworkPolicyPeer{
				{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "frontend"}}},
				{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: metav1.LabelSelectorOpIn, Values: []string{"t1", "t2"}}}}},
			},
			Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromString("http"), nil)},
		}}
		except := []string{"169.254.169.254/32"}
		if g.r.IntN(4) == 0 {
			except = nil
		}
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{
			{To: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}}, Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(5432), &tcp)}},
			{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: except}}}},
		}
	}
	g.add("networking.k8s.io/v1", "NetworkPolicy", &np.ObjectMeta, np)
}

func (g *rnGen) roles(ns func(int) string) {
	rule := func(groups, resources, verbs []string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs}
	}
	shapes := [][]rbacv1.PolicyRule{
		{rule([]string{""}, []string{"pods", "pods/log", "services"}, []string{"get", "list", "watch"})},
		{rule([]string{"apps"}, []string{"deployments"}, []string{"get", "list", "patch"}), rule([]string{""}, []string{"configmaps"}, []string{"*"})},
		{rule([]string{""}, []string{"secrets"}, []string{"get", "list"})},
		{rule([]string{""}, []string{"pods/exec", "pods/portforward"}, []string{"create"})},
		{rule([]string{"rbac.authorization.k8s.io"}, []string{"roles", "rolebindings"}, []string{"create", "bind"})},
		{rule([]string{""}, []string{"serviceaccounts/token"}, []string{"create"})},
		{rule([]string{"batch"}, []string{"jobs", "cronjobs"}, []string{"create", "delete"})},
		{rule([]string{"*"}, []string{"*"}, []string{"get", "list"})},
	}
	for i := range rnNamespaces {
		for j := range rnRolesPerNS {
			r := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("role-%d", j), Namespace: ns(i)}, Rules: shapes[j%len(shapes)]}
			g.add("rbac.authorization.k8s.io/v1", "Role", &r.ObjectMeta, r)
		}
	}
	for j := range rnClusterRole {
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cluster-role-%02d", j), Labels: map[string]string{}}, Rules: shapes[j%len(shapes)]}
		switch j % 10 {
		case 1:
			cr.Labels["rbac.authorization.k8s.io/aggregate-to-view"] = "true"
		case 2:
			cr.Labels["team-aggregate"] = "true"
		case 3:
			cr.Rules = append(slices.Clone(cr.Rules), rule([]string{""}, []string{"nodes/proxy"}, []string{"get"}))
		case 9:
			cr.Rules = nil
			cr.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"team-aggregate": "true"}}}}
		}
		g.add("rbac.authorization.k8s.io/v1", "ClusterRole", &cr.ObjectMeta, cr)
	}
}

func (g *rnGen) binding(ns func(int) string, i int) {
	n := ns(i % rnNamespaces)
	var subjects []rbacv1.Subject
	for range 1 + g.r.IntN(3) {
		switch g.r.IntN(4) {
		case 0, 1:
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: fmt.Sprintf("sa-%02d", g.r.IntN(rnSAsPerNS)), Namespace: ns(g.r.IntN(rnNamespaces))})
		case 2:
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("user-%03d@contoso.com", g.r.IntN(300))})
		default:
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("group-%02d", g.r.IntN(60))})
		}
	}
	if i%40 == 0 { // a few cluster-wide bindings, one of them cluster-admin
		roleName := fmt.Sprintf("cluster-role-%02d", g.r.IntN(rnClusterRole))
		if i == 0 {
			roleName = "cluster-admin"
		}
		b := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("crb-%04d", i)}, Subjects: subjects,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: roleName}}
		g.add("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &b.ObjectMeta, b)
		return
	}
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: fmt.Sprintf("role-%d", g.r.IntN(rnRolesPerNS))}
	switch g.r.IntN(5) {
	case 0:
		ref = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: g.pick("view", "edit", "admin")}
	case 1:
		ref = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: fmt.Sprintf("cluster-role-%02d", g.r.IntN(rnClusterRole))}
	}
	b := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("rb-%04d", i), Namespace: n}, Subjects: subjects, RoleRef: ref}
	g.add("rbac.authorization.k8s.io/v1", "RoleBinding", &b.ObjectMeta, b)
}

func BenchmarkRBACNet(b *testing.B) {
	objs, _ := generateRBACNet(1)
	checks := rbacNetCheckList(b)
	settings := checktest.DefaultSettings()
	var findings int
	b.ReportAllocs()
	for b.Loop() {
		// A fresh inventory each time: the models are built per inventory.
		res := engine.Run(inventory.New(objs), checks, settings, engine.Options{})
		if len(res.Errors) > 0 {
			b.Fatalf("check errors: %v", res.Errors[0])
		}
		findings = len(res.Findings)
	}
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkRBACNetModels times the two models alone.
func BenchmarkRBACNetModels(b *testing.B) {
	objs, _ := generateRBACNet(1)
	b.Run("rbac", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rbacmodel.Build(inventory.New(objs))
		}
	})
	b.Run("netpol", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			netpol.Build(inventory.New(objs), netpol.Options{})
		}
	})
}

// TestRBACNetGenerator checks the benchmark's input: the sizes the
// requirement names, determinism, and that every check finds something to
// say without crashing.
func TestRBACNetGenerator(t *testing.T) {
	objs, counts := generateRBACNet(1)
	pods := 0
	for _, k := range inventory.WorkloadKinds {
		pods += counts[k]
	}
	if pods != rnPods || counts["NetworkPolicy"] != rnPolicies || counts["RoleBinding"]+counts["ClusterRoleBinding"] != rnBindings {
		t.Fatalf("generated %d pods, %d policies, %d bindings: %v", pods, counts["NetworkPolicy"], counts["RoleBinding"]+counts["ClusterRoleBinding"], counts)
	}
	again, _ := generateRBACNet(1)
	if len(again) != len(objs) || again[len(again)-1].Meta.Name != objs[len(objs)-1].Meta.Name {
		t.Fatal("the generator is not deterministic")
	}
	if testing.Short() {
		return
	}
	res := engine.Run(inventory.New(objs), rbacNetCheckList(t), checktest.DefaultSettings(), engine.Options{})
	if len(res.Errors) > 0 {
		t.Fatalf("check errors: %v", res.Errors[0])
	}
	by := map[string]int{}
	for _, f := range res.Findings {
		by[f.CheckID]++
	}
	for _, id := range []string{"K8S-063", "K8S-080", "K8S-082", "K8S-083", "K8S-084", "K8S-100", "K8S-102", "K8S-103", "K8S-105", "K8S-106", "K8S-107", "K8S-108", "K8S-123"} {
		if by[id] == 0 {
			t.Errorf("no %s finding in the generated cluster: %v", id, by)
		}
	}
	t.Logf("%d objects, %d findings: %v", len(objs), len(res.Findings), by)
}
