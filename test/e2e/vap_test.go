package e2e

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// TestValidatingAdmissionPolicies applies what `bulwark admission
// policies` writes to the real API server and holds every compiled check
// to the Go check's verdict: each fixture violates one check, the API
// server must deny it naming that check exactly when the catalog's own
// evaluation finds it, and admit the compliant pod.
func TestValidatingAdmissionPolicies(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	r := bulwark(t, "admission", "policies", "--fail-on", "medium")
	if r.code != 0 {
		t.Fatalf("admission policies: exit %d\n%s", r.code, r.err)
	}
	var vaps []*admissionregistrationv1.ValidatingAdmissionPolicy
	var bindings []*admissionregistrationv1.ValidatingAdmissionPolicyBinding
	dec := utilyaml.NewYAMLReader(bufioReader(r.out))
	for {
		doc, err := dec.Read()
		if err != nil {
			break
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil || tm.Kind == "" {
			continue
		}
		switch tm.Kind {
		case "ValidatingAdmissionPolicy":
			v := &admissionregistrationv1.ValidatingAdmissionPolicy{}
			if err := yaml.UnmarshalStrict(doc, v); err != nil {
				t.Fatal(err)
			}
			vaps = append(vaps, v)
		case "ValidatingAdmissionPolicyBinding":
			b := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
			if err := yaml.UnmarshalStrict(doc, b); err != nil {
				t.Fatal(err)
			}
			// Keep the shared control plane's other tests out of reach.
			b.Spec.MatchResources.NamespaceSelector.MatchLabels = map[string]string{"bulwark-e2e-vap": "true"}
			bindings = append(bindings, b)
		}
	}
	if len(vaps) != 3 || len(bindings) != 3 {
		t.Fatalf("%d policies, %d bindings", len(vaps), len(bindings))
	}
	api := s.Client.AdmissionregistrationV1()
	for _, v := range vaps {
		if _, err := api.ValidatingAdmissionPolicies().Create(ctx, v, metav1.CreateOptions{}); err != nil {
			t.Fatalf("the API server refused policy %s: %v", v.Name, err)
		}
		defer api.ValidatingAdmissionPolicies().Delete(ctx, v.Name, metav1.DeleteOptions{})
	}
	for _, b := range bindings {
		if _, err := api.ValidatingAdmissionPolicyBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		defer api.ValidatingAdmissionPolicyBindings().Delete(ctx, b.Name, metav1.DeleteOptions{})
	}
	// The type-checking status is written by kube-controller-manager,
	// which the test control plane does not run: the expressions are held
	// to their verdicts below instead.
	const ns = "vap-e2e"
	if _, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"bulwark-e2e-vap": "true"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// What the catalog itself says, through the service, for the compiled checks.
	svc, err := scan.NewService(scan.Options{Settings: check.Settings{PSS: defaultPSS()}, Gate: decide.Gate{FailOn: finding.SeverityMedium}}, "test", check.Admission)
	if err != nil {
		t.Fatal(err)
	}
	compiled := map[string]bool{}
	for _, v := range vaps[:1] {
		for _, val := range v.Spec.Validations {
			compiled[strings.Fields(val.Message)[0]] = true
		}
	}
	for _, id := range []string{"K8S-001", "K8S-002", "K8S-005", "K8S-010", "K8S-012", "K8S-040"} {
		if !compiled[id] {
			t.Errorf("%s not compiled (compiled: %v)", id, compiled)
		}
	}
	fixtures := []struct {
		name   string
		mutate func(*corev1.PodSpec)
	}{
		{"compliant", func(*corev1.PodSpec) {}},
		{"privileged", func(p *corev1.PodSpec) {
			p.Containers[0].SecurityContext.Privileged = ptr.To(true)
			p.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
		}},
		{"host-network", func(p *corev1.PodSpec) { p.HostNetwork = true }},
		{"host-pid", func(p *corev1.PodSpec) { p.HostPID = true }},
		{"host-path", func(p *corev1.PodSpec) {
			p.Volumes = []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}}
		}},
		{"host-port", func(p *corev1.PodSpec) {
			p.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080, HostPort: 8080}}
		}},
		{"sys-admin", func(p *corev1.PodSpec) {
			p.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"cap_sys_admin"}
		}},
		{"net-bind", func(p *corev1.PodSpec) {
			p.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
		}},
		{"init-latest", func(p *corev1.PodSpec) {
			c := p.Containers[0]
			c.Name, c.Image = "init", "busybox:latest"
			p.InitContainers = []corev1.Container{c}
		}},
		{"no-tag", func(p *corev1.PodSpec) { p.Containers[0].Image = "registry.example.com:5000/app" }},
		{"tag-like-latest", func(p *corev1.PodSpec) { p.Containers[0].Image = "myacr.azurecr.io/app:latest-alpine" }},
	}
	for i, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			pod := admissionPod(ns, fmt.Sprintf("p%d-%s", i, fx.name), false)
			fx.mutate(&pod.Spec)
			rep, err := svc.Evaluate(ctx, pod)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, f := range rep.Findings {
				if compiled[f.CheckID] && f.Blocking && !slices.Contains(want, f.CheckID) {
					want = append(want, f.CheckID)
				}
			}
			// The API server may take a moment to start enforcing new
			// policies: retry a violating fixture until it is denied.
			var createErr error
			for try := 0; try < 50; try++ {
				pod.Name = fmt.Sprintf("p%d-%s-%d", i, fx.name, try)
				_, createErr = s.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
				if createErr != nil || len(want) == 0 {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			switch {
			case len(want) == 0 && createErr != nil:
				t.Errorf("denied, but the catalog finds no compiled check: %v", createErr)
			case len(want) > 0 && createErr == nil:
				t.Errorf("admitted, but the catalog finds %v", want)
			case len(want) > 0:
				if !slices.ContainsFunc(want, func(id string) bool { return strings.Contains(createErr.Error(), id+" ") }) {
					t.Errorf("denied with %v, want one of %v", createErr, want)
				}
			}
		})
	}
	// The workload shape: a privileged Deployment is denied by its policy.
	p := admissionPod(ns, "x", true)
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "priv", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "priv"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "priv"}}, Spec: p.Spec}}}
	if _, err := s.Client.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err == nil || !strings.Contains(err.Error(), "K8S-001 ") {
		t.Errorf("privileged Deployment: %v", err)
	}
}

func defaultPSS() api.LevelVersion {
	return api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
