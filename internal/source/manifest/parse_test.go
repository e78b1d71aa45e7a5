package manifest

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestParseMultiDocumentAndLocations(t *testing.T) {
	doc := `# leading comment
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
---
# only a comment
---
name: not-kubernetes
values: [1, 2]
`
	p := Parse("a.yaml", []byte(doc), DefaultLimits)
	if len(p.Errors) != 0 {
		t.Fatalf("errors: %v", p.Errors)
	}
	if len(p.Objects) != 2 {
		t.Fatalf("want 2 objects, got %d", len(p.Objects))
	}
	if len(p.Skipped) != 1 || p.Skipped[0].Line != 24 {
		t.Errorf("skipped = %+v, want one at line 24", p.Skipped)
	}
	ns, dep := p.Objects[0], p.Objects[1]
	if ns.Loc.Line != 2 || ns.Meta.Name != "shop" {
		t.Errorf("namespace at %v named %q", ns.Loc, ns.Meta.Name)
	}
	d, ok := dep.Typed.(*appsv1.Deployment)
	if !ok || d.Spec.Template.Spec.Containers[0].Image != "nginx:1.27" {
		t.Fatalf("deployment not decoded: %#v", dep.Typed)
	}
	if dep.Loc.Line != 8 || dep.Subject().String() != "Deployment/shop/web" {
		t.Errorf("deployment at %v subject %v", dep.Loc, dep.Subject())
	}
	for path, want := range map[string]string{
		"spec.template.spec.containers[0].securityContext.privileged": "a.yaml:20:11",
		"spec.template.spec.containers[0].image":                      "a.yaml:18:9",
		"spec.template.spec.containers[0]":                            "a.yaml:17:9",
		// Missing fields resolve to the nearest ancestor that exists.
		"spec.template.spec.containers[0].securityContext.runAsNonRoot": "a.yaml:19:9",
		"spec.template.spec.containers[5].image":                        "a.yaml:16:7",
		"metadata.labels[app.kubernetes.io/name]":                       "a.yaml:10:1",
	} {
		if got := dep.Locate(path).String(); got != want {
			t.Errorf("Locate(%s) = %s, want %s", path, got, want)
		}
	}
}

func TestParseList(t *testing.T) {
	doc := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
  data: {k: v}
- just: a map
`
	p := Parse("l.yaml", []byte(doc), DefaultLimits)
	if len(p.Errors) != 0 || len(p.Objects) != 2 || len(p.Skipped) != 1 {
		t.Fatalf("objects %d skipped %v errors %v", len(p.Objects), p.Skipped, p.Errors)
	}
	if p.Objects[1].Loc.Line != 7 {
		t.Errorf("second item at %v", p.Objects[1].Loc)
	}
	if cm := p.Objects[1].Typed.(*corev1.ConfigMap); cm.Data["k"] != "v" {
		t.Errorf("configmap data %v", cm.Data)
	}
}

func TestParseJSON(t *testing.T) {
	doc := `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 80}]}]}
}`
	p := Parse("p.json", []byte(doc), DefaultLimits)
	if len(p.Errors) != 0 || len(p.Objects) != 1 {
		t.Fatalf("objects %d errors %v", len(p.Objects), p.Errors)
	}
	pod := p.Objects[0].Typed.(*corev1.Pod)
	if pod.Spec.Containers[0].Ports[0].ContainerPort != 80 {
		t.Errorf("port not decoded: %+v", pod.Spec.Containers[0].Ports)
	}
	if got := p.Objects[0].Locate("spec.containers[0].image").Line; got != 5 {
		t.Errorf("image line %d, want 5", got)
	}
}

func TestParseScalarsAndMerge(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: &labels
    version: "1.0"
    release: 2024
    enabled: yes
  annotations:
    <<: *labels
    extra: x
spec:
  terminationGracePeriodSeconds: 0x1E
  containers:
  - name: c
    image: x
    env:
    - {name: A, value: "true"}
    - {name: B, value: ~}
`
	p := Parse("s.yaml", []byte(doc), DefaultLimits)
	if len(p.Errors) != 1 {
		// release: 2024 is an int and labels are strings: the API rejects
		// it, and so do we, with the line.
		t.Fatalf("want exactly the label type error, got %v", p.Errors)
	}
	if e := p.Errors[0]; e.Line != 1 || !strings.Contains(e.Msg, "metadata.labels") {
		t.Errorf("error = %v", e)
	}

	doc = strings.Replace(doc, "release: 2024", `release: "2024"`, 1)
	p = Parse("s.yaml", []byte(doc), DefaultLimits)
	if len(p.Errors) != 0 {
		t.Fatalf("errors: %v", p.Errors)
	}
	pod := p.Objects[0].Typed.(*corev1.Pod)
	if pod.Annotations["version"] != "1.0" || pod.Annotations["extra"] != "x" || pod.Labels["enabled"] != "yes" {
		t.Errorf("merge/scalars wrong: labels %v annotations %v", pod.Labels, pod.Annotations)
	}
	if *pod.Spec.TerminationGracePeriodSeconds != 30 {
		t.Errorf("hex int = %d", *pod.Spec.TerminationGracePeriodSeconds)
	}
	if pod.Spec.Containers[0].Env[0].Value != "true" || pod.Spec.Containers[0].Env[1].Value != "" {
		t.Errorf("env = %+v", pod.Spec.Containers[0].Env)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		line      int
		msg       string
		objects   int
	}{
		{"syntax error keeps earlier documents", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n", 8, "", 1},
		{"bad indentation", "apiVersion: v1\nkind: Pod\n metadata: x\n", 3, "mapping values are not allowed", 0},
		{"duplicate key", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n", 6, `duplicate key "hostNetwork"`, 0},
		{"wrong type", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: three\n", 1, "spec.replicas", 0},
		{"bad apiVersion", "apiVersion: a/b/c\nkind: Pod\n", 1, "bad apiVersion", 0},
		{"helm template", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n  x: {{ }\n", 0, "helm template", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Parse("e.yaml", []byte(tt.doc), DefaultLimits)
			if len(p.Errors) != 1 {
				t.Fatalf("want one error, got %v", p.Errors)
			}
			e := p.Errors[0]
			if tt.line != 0 && e.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", e.Line, tt.line, e)
			}
			if !strings.Contains(e.Error(), tt.msg) || !strings.HasPrefix(e.Error(), "e.yaml:") {
				t.Errorf("error %q does not contain %q", e.Error(), tt.msg)
			}
			if len(p.Objects) != tt.objects {
				t.Errorf("objects = %d, want %d", len(p.Objects), tt.objects)
			}
		})
	}
}

func TestParseBombsAndDepth(t *testing.T) {
	bomb := `apiVersion: v1
kind: ConfigMap
metadata: {name: bomb}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`
	p := Parse("bomb.yaml", []byte(bomb), DefaultLimits)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Msg, "YAML bomb") {
		t.Fatalf("bomb not stopped: %v", p.Errors)
	}

	deep := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n"
	p = Parse("deep.yaml", []byte(deep), DefaultLimits)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Error(), "deep") {
		t.Fatalf("deep nesting not stopped: %v", p.Errors)
	}

	mergeBomb := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\na: &a {x: 1}\n"
	prev := "a"
	for i := range 30 {
		name := "m" + strings.Repeat("x", i)
		mergeBomb += name + ": &" + name + " {<<: [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]}\n"
		prev = name
	}
	p = Parse("mergebomb.yaml", []byte(mergeBomb), DefaultLimits)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Msg, "YAML bomb") {
		t.Fatalf("merge bomb not stopped: %v", p.Errors)
	}

	selfMerge := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: &d\n  <<: *d\n"
	p = Parse("merge.yaml", []byte(selfMerge), DefaultLimits)
	if len(p.Errors) == 0 {
		t.Fatalf("self-referencing merge accepted")
	}
}

// TestAnchorsScopedToDocument: an alias never reaches an anchor of an
// earlier document of the file, however the file is parsed.
func TestAnchorsScopedToDocument(t *testing.T) {
	data := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: *d\n")
	p := Parse("x.yaml", data, DefaultLimits)
	if len(p.Objects) != 1 || len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Msg, "unknown anchor") {
		t.Errorf("want the first object and an unknown-anchor error; got %d objects, errors %v", len(p.Objects), p.Errors)
	}
}
