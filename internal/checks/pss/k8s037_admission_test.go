package pss

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func namespace(name, labels string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {" + labels + "}}\n---\n"
}

func deployment(ns, securityContext string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ` + ns + `}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: app
        securityContext: ` + securityContext + "\n"
}

const (
	privileged = "{privileged: true}"
	compliant  = "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"
	// noDrop meets restricted except the capabilities rule added in v1.22.
	noDrop = "{allowPrivilegeEscalation: false}"
)

func TestRejectedAtAdmission(t *testing.T) {
	enforce := func(s string) *check.Settings {
		lv, err := ParseEnforce(s)
		if err != nil {
			t.Fatal(err)
		}
		return &check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}, PSSEnforce: lv}
	}
	for _, tt := range []struct {
		name     string
		doc      string
		settings *check.Settings
		says     []string
	}{
		{"privileged pod, namespace enforces baseline", namespace("shop", "pod-security.kubernetes.io/enforce: baseline") + deployment("shop", privileged), nil,
			[]string{`rejected at admission by Pod Security level "baseline:latest" (namespace "shop" enforces it): its pods are refused for privileged (K8S-001): privileged (container "app" must not set securityContext.privileged=true)`}},
		{"compliant pod", namespace("shop", "pod-security.kubernetes.io/enforce: restricted") + deployment("shop", compliant), nil, nil},
		{"no enforce label: the cluster default is not known", namespace("shop", "team: a") + deployment("shop", privileged), enforce("baseline"), nil},
		{"no namespace object, no flag", deployment("shop", privileged), nil, nil},
		{"privileged namespace admits anything", namespace("shop", "pod-security.kubernetes.io/enforce: privileged") + deployment("shop", privileged), nil, nil},
		{"--pss-enforce for a namespace not in the input", deployment("shop", privileged), enforce("baseline"),
			[]string{`"baseline:latest" (--pss-enforce, for namespace "shop")`, "privileged (K8S-001)"}},
		{"a Pod is refused itself", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\n", enforce("baseline"),
			[]string{"(--pss-enforce, for the namespace it deploys to): it is refused for hostNamespaces (K8S-002)"}},
		// Every failed check is named, whatever its own severity.
		{"restricted names every failure", namespace("shop", "pod-security.kubernetes.io/enforce: restricted") + deployment("shop", "{runAsUser: 0}"), nil,
			[]string{"allowPrivilegeEscalation (K8S-015)", "capabilities_restricted (K8S-014)", "runAsUser (K8S-017)"}},
		{"enforce-version: the capabilities rule is from v1.22", namespace("shop", "pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.21") + deployment("shop", noDrop), nil, nil},
		{"enforce-version: v1.22 has it", namespace("shop", "pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.22") + deployment("shop", noDrop), nil,
			[]string{`"restricted:v1.22"`, "capabilities_restricted (K8S-014)"}},
		{"--pss-enforce LEVEL:VERSION", deployment("shop", noDrop), enforce("restricted:v1.21"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-037", tt.doc, tt.settings)
			if len(fs) != min(len(tt.says), 1) {
				t.Fatalf("%d findings, want %d: %+v", len(fs), min(len(tt.says), 1), fs)
			}
			for _, f := range fs {
				if f.Severity != finding.SeverityCritical {
					t.Errorf("severity %s", f.Severity)
				}
				for _, s := range tt.says {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message %q lacks %q", f.Message, s)
					}
				}
			}
		})
	}
}

func TestParseEnforce(t *testing.T) {
	for in, want := range map[string]string{"baseline": "baseline:latest", "restricted:v1.30": "restricted:v1.30", "privileged:latest": "privileged:latest"} {
		lv, err := ParseEnforce(in)
		if err != nil || lv.String() != want {
			t.Errorf("ParseEnforce(%q) = %v, %v; want %s", in, lv, err, want)
		}
	}
	for _, in := range []string{"strict", "baseline:1.30", "baseline:v1", ":v1.30"} {
		if _, err := ParseEnforce(in); err == nil {
			t.Errorf("ParseEnforce(%q) accepted", in)
		}
	}
	if lv, err := ParseEnforce(""); lv != nil || err != nil {
		t.Errorf("empty: %v %v", lv, err)
	}
}

// In a live cluster the namespace's label decides, "latest" is the API
// server's own version, and running Pods (admitted already) are K8S-036's.
func TestRejectedAtAdmissionLive(t *testing.T) {
	doc := namespace("shop", "pod-security.kubernetes.io/enforce: baseline") +
		deployment("shop", "{procMount: Unmasked}") + "      hostUsers: false\n---\n" +
		"apiVersion: v1\nkind: Pod\nmetadata: {name: running, namespace: shop}\nspec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}\n"
	p := manifest.Parse("live.yaml", []byte(doc), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatal(p.Errors)
	}
	c, _ := check.Lookup("K8S-037")
	for _, tt := range []struct {
		server string
		want   int
	}{
		// Baseline allows any procMount in user-namespaced pods from 1.35.
		{"v1.30.4", 1},
		{"v1.35.1", 0},
	} {
		objs := append(slices.Clone(p.Objects), inventory.NewObject(
			metav1.TypeMeta{APIVersion: inventory.ClusterInfoAPIVersion, Kind: inventory.ClusterInfoKind},
			&metav1.ObjectMeta{Name: "cluster"}, &inventory.ClusterInfo{Server: version.Info{GitVersion: tt.server}}, finding.Location{Resource: "/version"}, nil))
		res := engine.Run(inventory.New(objs), []*check.Check{c}, checktest.DefaultSettings(), engine.Options{Workers: 1})
		if len(res.Findings) != tt.want {
			t.Fatalf("server %s: %d findings, want %d: %+v", tt.server, len(res.Findings), tt.want, res.Findings)
		}
		for _, f := range res.Findings {
			if f.Subject.Kind != "Deployment" || !strings.Contains(f.Message, "procMount (K8S-024)") {
				t.Errorf("server %s: %s: %s", tt.server, f.Subject, f.Message)
			}
		}
	}
}
