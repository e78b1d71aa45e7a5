package policy

import (
	"strings"
	"testing"
)

const detectionsPolicy = `apiVersion: bulwark.dev/v1alpha1
kind: Policy
detections:
  secretReaders:
  - user: "system:serviceaccount:shop:*"
    namespaces: [shop]
  - user: vault
exceptions:
- checks: [DET-001]
  resources: {actor: "oncall-*", namespace: shop, kind: pods}
  reason: on-call debugging
  owner: sre
  expires: 2026-12-31
`

func TestDetections(t *testing.T) {
	p, err := Parse("bulwark.yaml", []byte(detectionsPolicy))
	if err != nil {
		t.Fatal(err)
	}
	r := p.Detections.SecretReaders
	if !r[0].Reads("system:serviceaccount:shop:api", "shop") || r[0].Reads("system:serviceaccount:shop:api", "other") || !r[1].Reads("vault", "any") || r[1].Reads("vaulty", "any") {
		t.Errorf("secret readers %+v", r)
	}
	e := &p.Exceptions[0]
	if !e.CoversAlert("DET-001", "oncall-ann", "pods", "shop", "web") {
		t.Error("exception does not cover its alert")
	}
	for _, c := range [][5]string{
		{"DET-002", "oncall-ann", "pods", "shop", "web"},
		{"DET-001", "mallory", "pods", "shop", "web"},
		{"DET-001", "oncall-ann", "pods", "prod", "web"},
		{"DET-001", "oncall-ann", "secrets", "shop", "web"},
	} {
		if e.CoversAlert(c[0], c[1], c[2], c[3], c[4]) {
			t.Errorf("exception covers %v", c)
		}
	}
}

func TestDetectionsInvalid(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"actor on a check": {strings.Replace(detectionsPolicy, "checks: [DET-001]", "checks: [K8S-001]", 1), "only detections (DET-…) are about a request's actor"},
		"bad actor glob":   {strings.Replace(detectionsPolicy, `"oncall-*"`, `"oncall-["`, 1), `resources.actor: bad glob`},
		"empty reader":     {strings.Replace(detectionsPolicy, "user: vault", `user: ""`, 1), "detections.secretReaders[1].user"},
		"unknown field":    {strings.Replace(detectionsPolicy, "namespaces: [shop]", "namespace: [shop]", 1), "namespace"},
	} {
		_, err := Parse("bulwark.yaml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
