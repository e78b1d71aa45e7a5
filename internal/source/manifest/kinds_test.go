package manifest

import (
	"strings"
	"testing"
)

// TestUnservedKind: a kind Bulwark judges, under a built-in apiVersion
// that never served it, is refused by the API server. Decoding it by kind
// anyway judged a DaemonSet that cannot exist; ignoring it (v1 Deployment)
// counted it and passed. Both are now input errors at the object's line.
// Versions that once served the kind stay objects: K8S-133 reports them.
func TestUnservedKind(t *testing.T) {
	for _, tt := range []struct {
		apiVersion, kind string
		servedAs         string // "" when the object is accepted
	}{
		{"v1", "Deployment", "apps/v1"},
		{"apps/v1beta1", "DaemonSet", "apps/v1"},
		{"apps/v7", "Deployment", "apps/v1"},
		{"apps/v1", "Ingress", "networking.k8s.io/v1"},
		{"extensions/v1beta1", "StatefulSet", "apps/v1"},
		{"policy/v1", "Pod", "v1"},
		{"batch/v1", "CronJob", ""},
		{"v2", "Pod", "v1"},
		{"rbac.authorization.k8s.io/v1", "NetworkPolicy", "networking.k8s.io/v1"},

		{"apps/v1", "Deployment", ""},
		{"apps/v1beta1", "Deployment", ""},
		{"apps/v1beta2", "DaemonSet", ""},
		{"extensions/v1beta1", "Deployment", ""},
		{"extensions/v1beta1", "Ingress", ""},
		{"networking.k8s.io/v1beta1", "Ingress", ""},
		{"batch/v1beta1", "CronJob", ""},
		{"batch/v2alpha1", "CronJob", ""},
		{"rbac.authorization.k8s.io/v1alpha1", "ClusterRole", ""},
		{"policy/v1beta1", "PodSecurityPolicy", ""},
		{"apps/v1", "ControllerRevision", ""},
		{"example.com/v1", "Deployment", ""},
		{"argoproj.io/v1alpha1", "Rollout", ""},
	} {
		t.Run(tt.apiVersion+" "+tt.kind, func(t *testing.T) {
			doc := "# x\napiVersion: " + tt.apiVersion + "\nkind: " + tt.kind + "\nmetadata: {name: x}\n"
			p := Parse("k.yaml", []byte(doc), DefaultLimits)
			if tt.servedAs == "" {
				if len(p.Errors) != 0 || len(p.Objects) != 1 {
					t.Errorf("refused: %v", p.Errors)
				}
				return
			}
			if len(p.Objects) != 0 || len(p.Errors) != 1 {
				t.Fatalf("objects %d errors %v, want the object refused", len(p.Objects), p.Errors)
			}
			want := "k.yaml:2: " + tt.kind + ` "x": apiVersion ` + tt.apiVersion + " does not serve kind " + tt.kind +
				", so the API server rejects this object; " + tt.kind + " is served as " + tt.servedAs
			if got := p.Errors[0].Error(); got != want {
				t.Errorf("error\n %s\nwant\n %s", got, want)
			}
		})
	}
	if !strings.Contains(servedAs("CronJob"), "batch/v1") {
		t.Errorf("CronJob served as %s", servedAs("CronJob"))
	}
}
