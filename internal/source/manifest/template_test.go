package manifest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// TestTemplateWorkloads: a kind Bulwark has no type for that carries a
// pod template where a Deployment or a CronJob does is judged through it;
// any other unknown kind is listed as not assessed with the reason, never
// counted as a clean object.
func TestTemplateWorkloads(t *testing.T) {
	doc := `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  strategy: {canary: {steps: [{setWeight: 20}]}}
  template:
    spec:
      containers:
      - name: app
        image: app:1
        securityContext: {privileged: true}
---
apiVersion: example.com/v1
kind: NightlyThing
metadata: {name: batch}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: c:1}]
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls, namespace: shop}
spec: {secretName: tls}
---
apiVersion: example.com/v1
kind: Composition
metadata: {name: notpods}
spec:
  template: {spec: "a string"}
---
apiVersion: example.com/v1
kind: Empty
metadata: {name: empty}
spec:
  template: {spec: {containers: []}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa}
`
	p := Parse("t.yaml", []byte(doc), DefaultLimits)
	if len(p.Errors) != 0 || len(p.Objects) != 6 {
		t.Fatalf("objects %d errors %v", len(p.Objects), p.Errors)
	}
	ro := p.Objects[0]
	tw, ok := ro.Typed.(*inventory.TemplateWorkload)
	if !ok || ro.JudgedAs() != "Deployment" {
		t.Fatalf("Rollout typed %T judged as %s", ro.Typed, ro.JudgedAs())
	}
	ps, ok := ro.PodSpec()
	if !ok || ps.SpecPath.String() != "spec.template.spec" || !*ps.Spec.Containers[0].SecurityContext.Privileged || tw.Template.Spec.Containers[0].Image != "app:1" {
		t.Errorf("Rollout pod spec %+v at %v", ps.Spec, ps.SpecPath)
	}
	if got := ro.Locate(ps.SpecPath.Child("containers").Index(0).Child("securityContext", "privileged").String()).Line; got != 11 {
		t.Errorf("privileged located at line %d, want 11", got)
	}
	if n := ro.JudgedNote(); !strings.Contains(n, "judged through spec.template as a Deployment's pod template") {
		t.Errorf("note %q", n)
	}
	nt := p.Objects[1]
	if ps, ok := nt.PodSpec(); !ok || nt.JudgedAs() != "CronJob" || ps.SpecPath.String() != "spec.jobTemplate.spec.template.spec" {
		t.Errorf("jobTemplate kind judged as %s at %v", nt.JudgedAs(), ps.SpecPath)
	}
	if p.Objects[2].JudgedAs() != "Certificate" || p.Objects[2].JudgedNote() != "" {
		t.Errorf("Certificate judged as %s", p.Objects[2].JudgedAs())
	}

	want := map[string]string{
		"Certificate":             "t.yaml:23: Bulwark has no checks for kind Certificate of cert-manager.io and it has no pod template at spec.template or spec.jobTemplate.spec.template",
		"Composition":             "t.yaml:28: Bulwark has no checks for kind Composition of example.com and its spec.template is not a pod template (field spec: cannot use a string here",
		"Empty":                   "t.yaml:34: Bulwark has no checks for kind Empty of example.com and its spec.template has no containers",
		"HorizontalPodAutoscaler": "t.yaml:40: Bulwark has no checks for kind HorizontalPodAutoscaler of autoscaling and it has no pod template",
	}
	if len(p.NotAssessed) != len(want) {
		t.Fatalf("not assessed: %+v", p.NotAssessed)
	}
	for _, n := range p.NotAssessed {
		got := n.File + ":" + strconv.Itoa(n.Line) + ": " + n.Reason
		if !strings.HasPrefix(got, want[n.Kind]) || n.Name == "" || n.APIVersion == "" {
			t.Errorf("not assessed %+v:\n got %s\nwant %s", n, got, want[n.Kind])
		}
	}
}
