// Command cluster benchmarks `bulwark scan cluster` against a real API
// server (etcd and kube-apiserver from hack/testenv.sh) loaded with a
// cluster's worth of objects: by default 10,000 pods over 100 namespaces,
// each namespace with its Deployments, ReplicaSets, ServiceAccounts,
// Roles, RoleBindings and NetworkPolicies.
//
// It reports two things:
//
//   - end to end: the bulwark binary run as users run it (JSON report to a
//     file with --output, and to standard output), in its own process, with
//     its wall time and peak RSS (from the child's rusage);
//   - the split: in this process, cluster.Collect (listing) and
//     scan.Collected (evaluation, decision, report), timed apart, with the
//     live Go heap after each (-memprofile writes a heap profile after
//     evaluation).
//
// Run from the repository root:
//
//	eval "$(hack/testenv.sh)"
//	go run ./bench/cluster                      # 10,000 pods owned by ReplicaSets (as controllers leave them)
//	go run ./bench/cluster -naked               # the same pods without owners: every pod evaluated
//	go run ./bench/cluster -pods 2000 -runs 1   # smaller
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

var (
	memProfile    string
	holdOpen      bool
	benchOperator bool
	operatorRest  time.Duration
)

func main() {
	var (
		pods         = flag.Int("pods", 10000, "pods to create")
		namespaces   = flag.Int("namespaces", 100, "namespaces to spread them over")
		apps         = flag.Int("apps", 5, "Deployments (with a ReplicaSet, ServiceAccount, Role and RoleBinding) per namespace")
		naked        = flag.Bool("naked", false, "create pods without owners, so that every pod is evaluated")
		runs         = flag.Int("runs", 3, "measured runs of each kind")
		workers      = flag.Int("workers", 32, "concurrent create requests while loading")
		memprofile   = flag.String("memprofile", "", "write a heap profile after the last evaluation to this file")
		operatorMode = flag.Bool("operator", false, "measure bulwark operator instead of scan cluster: first complete reports, memory, requests at rest, one change to its report")
		restFor      = flag.Duration("rest", time.Minute, "with -operator: how long to measure the operator at rest")
		hold         = flag.Bool("hold", false, "after the runs, keep the loaded control plane up until interrupted (prints a kubeconfig), for profiling by hand")
	)
	flag.Parse()
	memProfile, holdOpen = *memprofile, *hold
	benchOperator, operatorRest = *operatorMode, *restFor
	if err := run(*pods, *namespaces, *apps, *naked, *runs, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "bench/cluster:", err)
		os.Exit(1)
	}
}

func run(pods, namespaces, apps int, naked bool, runs, workers int) error {
	dir, err := os.MkdirTemp("", "bulwark-bench-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bulwark")
	build := exec.Command("go", "build", "-o", bin, "./cmd/bulwark")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building bulwark (run from the repository root): %w", err)
	}

	start := time.Now()
	srv, err := apiserver.New(dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("control plane up in %s\n", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	n, err := load(srv.Config, pods, namespaces, apps, naked, workers)
	if err != nil {
		return err
	}
	fmt.Printf("loaded %d objects (%d pods, %s) in %s\n\n", n, pods, map[bool]string{true: "no owners", false: "owned by ReplicaSets"}[naked],
		time.Since(start).Round(time.Millisecond))

	if benchOperator {
		return operatorBench(bin, srv, namespaces, operatorRest)
	}
	fmt.Println("| run | end to end, --output file | peak RSS | end to end, stdout | peak RSS | listing | evaluating | live heap after listing | after evaluating | objects read | assessed | findings |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for i := range runs {
		wall, rss, err := endToEnd(bin, srv.Kubeconfig, filepath.Join(dir, "report.json"))
		if err != nil {
			return err
		}
		wallOut, rssOut, err := endToEnd(bin, srv.Kubeconfig, "")
		if err != nil {
			return err
		}
		s, err := split(srv.Config)
		if err != nil {
			return err
		}
		fmt.Printf("| %d | %s | %d MB | %s | %d MB | %s | %s | %d MB | %d MB | %d | %d | %d |\n", i+1, wall.Round(time.Millisecond), rss>>20,
			wallOut.Round(time.Millisecond), rssOut>>20, s.list.Round(time.Millisecond), s.eval.Round(time.Millisecond), s.heapListed>>20, s.heapEvaluated>>20, s.read, s.assessed, s.findings)
	}
	if holdOpen {
		kc := filepath.Join(os.TempDir(), "bulwark-bench-cluster.kubeconfig")
		data, err := os.ReadFile(srv.Kubeconfig)
		if err != nil {
			return err
		}
		if err := os.WriteFile(kc, data, 0o600); err != nil {
			return err
		}
		fmt.Printf("\ncontrol plane up: bulwark scan cluster --kubeconfig %s (interrupt to stop)\n", kc)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
	}
	return nil
}

// endToEnd runs the binary as a user would and returns its wall time and
// peak RSS. With out, the report goes to that file through --output
// (which renders it whole in memory, to write it whole or not at all);
// without, to standard output, streamed.
func endToEnd(bin, kubeconfig, out string) (time.Duration, int64, error) {
	args := []string{"scan", "cluster", "--kubeconfig", kubeconfig, "--format", "json", "--fail-on", "none"}
	if out != "" {
		args = append(args, "--output", out)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if out == "" {
		devnull, err := os.Create(os.DevNull)
		if err != nil {
			return 0, 0, err
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("bulwark scan cluster: %w", err)
	}
	wall := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return wall, 0, nil
	}
	return wall, ru.Maxrss << 10, nil // Maxrss is in KiB on Linux
}

type splitResult struct {
	list, eval                time.Duration
	heapListed, heapEvaluated uint64
	read, assessed, findings  int
}

// split times listing and evaluation apart, in this process, with the
// same options as the command line's defaults.
func split(cfg *rest.Config) (splitResult, error) {
	var r splitResult
	runtime.GC()
	start := time.Now()
	res, err := cluster.Collect(context.Background(), cfg, cluster.Options{})
	if err != nil {
		return r, err
	}
	r.list = time.Since(start)
	r.heapListed = heap()
	opt := scan.Options{
		Settings: check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		Gate:     decide.Gate{Never: true},
		Now:      time.Now(),
	}
	for _, k := range res.Kinds {
		r.read += k.Collected
		r.assessed += k.Collected - k.Controlled
	}
	start = time.Now()
	rep, err := scan.Collected(res, opt) // the last use of res, as in scan.Cluster
	if err != nil {
		return r, err
	}
	r.eval = time.Since(start)
	r.heapEvaluated = heap()
	if memProfile != "" {
		f, err := os.Create(memProfile)
		if err != nil {
			return r, err
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			return r, err
		}
	}
	r.findings = len(rep.Findings)
	runtime.KeepAlive(rep)
	return r, nil
}

// heap is the live heap: what is still referenced after a collection.
func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// load creates the objects, concurrently, and returns how many.
func load(cfg *rest.Config, pods, namespaces, apps int, naked bool, workers int) (int, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 5000, 10000
	cfg.WarningHandler = rest.NoWarnings{}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	var created atomic.Int64
	var firstErr error
	var errOnce sync.Once
	jobs := make(chan func() error)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for job := range jobs {
				if err := job(); err != nil {
					errOnce.Do(func() { firstErr = err })
				} else {
					created.Add(1)
				}
			}
		})
	}
	perNS := (pods + namespaces - 1) / namespaces
	// Namespaces and their controllers first (pods need their owners' UIDs),
	// then the pods, all concurrently.
	rsUIDs := make([][]*appsv1.ReplicaSet, namespaces)
	var phase sync.WaitGroup
	for i := range namespaces {
		ns := fmt.Sprintf("team-%03d", i)
		phase.Go(func() {
			do := func(err error) bool {
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return false
				}
				created.Add(1)
				return true
			}
			_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
				Labels: map[string]string{"pod-security.kubernetes.io/enforce": "baseline", "team": ns}}}, metav1.CreateOptions{})
			if !do(err) {
				return
			}
			for _, np := range netpols(ns) {
				_, err := c.NetworkingV1().NetworkPolicies(ns).Create(ctx, np, metav1.CreateOptions{})
				do(err)
			}
			rsUIDs[i] = make([]*appsv1.ReplicaSet, apps)
			for a := range apps {
				app := fmt.Sprintf("app-%d", a)
				_, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: app}}, metav1.CreateOptions{})
				do(err)
				_, err = c.RbacV1().Roles(ns).Create(ctx, role(app), metav1.CreateOptions{})
				do(err)
				_, err = c.RbacV1().RoleBindings(ns).Create(ctx, binding(ns, app), metav1.CreateOptions{})
				do(err)
				d, err := c.AppsV1().Deployments(ns).Create(ctx, deployment(app), metav1.CreateOptions{})
				if !do(err) {
					return
				}
				rs := &appsv1.ReplicaSet{
					ObjectMeta: metav1.ObjectMeta{Name: app + "-6b7f9c", Labels: d.Spec.Template.Labels,
						OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: d.Name, UID: d.UID, Controller: ptr.To(true)}}},
					Spec: appsv1.ReplicaSetSpec{Replicas: d.Spec.Replicas, Selector: d.Spec.Selector, Template: d.Spec.Template},
				}
				rs, err = c.AppsV1().ReplicaSets(ns).Create(ctx, rs, metav1.CreateOptions{})
				if !do(err) {
					return
				}
				rsUIDs[i][a] = rs
			}
		})
	}
	phase.Wait()
	if firstErr != nil {
		close(jobs)
		wg.Wait()
		return 0, firstErr
	}
	made := 0
	for i := range namespaces {
		ns := fmt.Sprintf("team-%03d", i)
		for j := 0; j < perNS && made < pods; j++ {
			rs := rsUIDs[i][j%apps]
			p := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%05d", rs.Name, j), Namespace: ns, Labels: rs.Spec.Template.Labels,
					Annotations: rs.Spec.Template.Annotations},
				Spec: rs.Spec.Template.Spec,
			}
			if !naked {
				p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs.Name, UID: rs.UID, Controller: ptr.To(true)}}
			}
			made++
			jobs <- func() error {
				_, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
				return err
			}
		}
	}
	close(jobs)
	wg.Wait()
	return int(created.Load()), firstErr
}

func deployment(app string) *appsv1.Deployment {
	labels := map[string]string{"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/version": "1.4.2"}
	env := []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "PORT", Value: "8080"}, {Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://otel-collector.monitoring:4317"},
		{Name: "DB_HOST", Value: "postgres.data.svc.cluster.local"}, {Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: app + "-db"}, Key: "password"}}}}
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}, PeriodSeconds: 10}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: app, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](20),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": app}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
				Spec: corev1.PodSpec{
					ServiceAccountName: app,
					SecurityContext:    &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
					Containers: []corev1.Container{{
						Name: "app", Image: "contoso.azurecr.io/shop/" + app + ":1.4.2", Env: env, Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
						Ports:           []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
						VolumeMounts:    []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}, {Name: "tmp", MountPath: "/tmp"}},
					}, {
						Name: "proxy", Image: "mcr.microsoft.com/oss/envoyproxy/envoy:v1.31.2", Resources: res,
						Args: []string{"--config-path", "/etc/envoy/envoy.yaml", "--log-level", "warn"},
					}},
					Volumes: []corev1.Volume{
						{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: app}}}},
						{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					},
				},
			},
		},
	}
}

func role(app string) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: app}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{app + "-db"}, Verbs: []string{"get"}},
	}}
}

func binding(ns, app string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: app},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: app},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: app, Namespace: ns}}}
}

func netpols(ns string) []*networkingv1.NetworkPolicy {
	tcp := corev1.ProtocolTCP
	port := intstr.FromInt32(8080)
	return []*networkingv1.NetworkPolicy{
		{ObjectMeta: metav1.ObjectMeta{Name: "default-deny"}, Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{"Ingress", "Egress"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "allow-ingress-nginx"}, Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/part-of": "shop"}},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "ingress-nginx"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}},
			}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "allow-dns"}, Spec: networkingv1.NetworkPolicySpec{
			Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}}}}}},
			PolicyTypes: []networkingv1.PolicyType{"Egress"}}},
	}
}
