package finding

import (
	"strings"
	"testing"
)

func TestFingerprintStable(t *testing.T) {
	s := Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	a := Fingerprint("K8S-001", s, "spec.template.spec.containers[0].securityContext.privileged")
	moved := s
	moved.APIVersion = "apps/v1beta2"
	if b := Fingerprint("K8S-001", moved, "spec.template.spec.containers[0].securityContext.privileged"); a != b {
		t.Errorf("apiVersion change moved the fingerprint: %s vs %s", a, b)
	}
	for _, other := range []string{
		Fingerprint("K8S-002", s, "spec.template.spec.containers[0].securityContext.privileged"),
		Fingerprint("K8S-001", Subject{Kind: "Deployment", Namespace: "shop", Name: "api"}, "spec.template.spec.containers[0].securityContext.privileged"),
		Fingerprint("K8S-001", s, "spec.template.spec.containers[1].securityContext.privileged"),
	} {
		if other == a {
			t.Errorf("different findings share fingerprint %s", a)
		}
	}
	if len(a) != 32 {
		t.Errorf("fingerprint %q is not 32 hex chars", a)
	}
}

func TestMaskKeepsNothing(t *testing.T) {
	for _, v := range []string{"hunter2", "P@ssw0rd-demo-not-real", "ключ-секрет"} {
		m := Mask(v)
		if strings.Contains(m, v[:2]) || strings.Contains(m, v) {
			t.Errorf("Mask(%q) = %q leaks the value", v, m)
		}
	}
	if Mask("") != "" {
		t.Error("Mask of empty is not empty")
	}
	if got := Mask("ключ"); got != "<redacted, 4 chars>" {
		t.Errorf("Mask counts bytes, not characters: %q", got)
	}
}

func TestParseSeverity(t *testing.T) {
	for i, n := range SeverityNames() {
		s, err := ParseSeverity(strings.ToUpper(n))
		if err != nil || int(s) != i || s.String() != n {
			t.Errorf("ParseSeverity(%q) = %v, %v", n, s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
}
