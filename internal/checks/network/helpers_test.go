package network

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func deployment(ns, name, labels, extra string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n  template:\n    metadata: {labels: {" + labels + "}}\n" +
		"    spec:\n      containers: [{name: c, image: c, ports: [{name: http, containerPort: 8080}]}]" + extra
}

func policy(ns, name, spec string) string {
	return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n" + spec
}

func namespace(name string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}"
}

var (
	web      = deployment("shop", "web", "app: web", "")
	denyAll  = policy("shop", "default-deny", "  podSelector: {}\n  policyTypes: [Ingress, Egress]")
	denyIn   = policy("shop", "deny-ingress", "  podSelector: {}\n  policyTypes: [Ingress]")
	allowAll = policy("shop", "allow-all-egress", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]")
)

type want struct {
	subject, field string
	says           []string
}

type tcase struct {
	name string
	docs []string
	want []want
}

func runCases(t *testing.T, id string, tests []tcase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, id, strings.Join(tt.docs, "\n---\n"), nil)
			if len(fs) != len(tt.want) {
				var got []string
				for _, f := range fs {
					got = append(got, f.Subject.String()+" "+f.Field+": "+f.Message)
				}
				t.Fatalf("%d findings, want %d: %q", len(fs), len(tt.want), got)
			}
			for i, w := range tt.want {
				f := fs[i]
				if f.Subject.String() != w.subject || f.Field != w.field {
					t.Errorf("finding %d on %s %s, want %s %s", i, f.Subject, f.Field, w.subject, w.field)
				}
				for _, s := range w.says {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message %q does not say %q", f.Message, s)
					}
				}
			}
		})
	}
}
