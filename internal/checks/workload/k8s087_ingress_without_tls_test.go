package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestIngressWithoutTLS(t *testing.T) {
	const rules = "  rules:\n  - host: shop.example.com\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n" +
		"  - host: API.example.com\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}\n"
	tests := []struct {
		name, annotations, tls string
		want                   []string
		evidence               string
	}{
		{"no tls", "", "", []string{"spec.tls"}, "shop.example.com, API.example.com"},
		{"all hosts covered", "", "  tls:\n  - hosts: [shop.example.com, api.example.com]\n    secretName: tls\n", []string{}, ""},
		{"wildcard covers", "", "  tls:\n  - hosts: [\"*.example.com\"]\n    secretName: tls\n", []string{}, ""},
		{"one host missing", "", "  tls:\n  - hosts: [shop.example.com]\n    secretName: tls\n", []string{"spec.rules[1].host"}, "API.example.com"},
		{"wildcard does not cover other domain", "", "  tls:\n  - hosts: [\"*.shop.example.com\"]\n    secretName: tls\n",
			[]string{"spec.rules[0].host", "spec.rules[1].host"}, "shop.example.com"},
		{"tls without hosts covers all", "", "  tls:\n  - secretName: default-tls\n", []string{}, ""},
		{"AGIC certificate annotation", "    appgw.ingress.kubernetes.io/appgw-ssl-certificate: shop-cert\n", "", []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n"
			if tt.annotations != "" {
				doc += "  annotations:\n" + tt.annotations
			}
			doc += "spec:\n  ingressClassName: webapprouting.kubernetes.azure.com\n" + tt.tls + rules
			fs := checktest.Run(t, "K8S-087", doc, nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(fs) > 0 && fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
		})
	}
}

func TestIngressWithoutTLSLocation(t *testing.T) {
	doc := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  tls:
  - hosts: [a.example.com]
    secretName: tls
  rules:
  - host: a.example.com
  - host: b.example.com
`
	fs := checktest.Run(t, "K8S-087", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:10:5" {
		t.Errorf("location = %s, want test.yaml:10:5", got)
	}
}
