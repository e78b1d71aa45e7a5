package rbac

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

func crb(name, role, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: " + name + "}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + role + "}\nsubjects: " + subjects
}

func rb(ns, name, kind, role, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: " + name + ", namespace: " + ns + "}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + kind + ", name: " + role + "}\nsubjects: " + subjects
}

func clusterRole(name, rules string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: " + name + "}\nrules: " + rules
}

func role(ns, name, rules string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: " + name + ", namespace: " + ns + "}\nrules: " + rules
}

const (
	saWeb = "[{kind: ServiceAccount, name: web, namespace: shop}]"
	devs  = "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]"
)

// want describes the findings of one case: for each, the object it belongs
// to ("Kind/ns/name"), its field, and words its message must contain.
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
				t.Fatalf("%d findings, want %d: %v", len(fs), len(tt.want), messages(fs))
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

func messages(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Subject.String()+" "+f.Field+": "+f.Message)
	}
	slices.Sort(out)
	return out
}
