package rbacmodel

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestRuleAllows(t *testing.T) {
	r := func(groups, resources, verbs, names []string) *rbacv1.PolicyRule {
		return &rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: names}
	}
	tests := []struct {
		name string
		rule *rbacv1.PolicyRule
		req  Request
		want bool
	}{
		{"exact", r([]string{""}, []string{"secrets"}, []string{"get"}, nil), Request{Verb: "get", Resource: "secrets"}, true},
		{"other verb", r([]string{""}, []string{"secrets"}, []string{"get"}, nil), Request{Verb: "list", Resource: "secrets"}, false},
		{"verb wildcard", r([]string{""}, []string{"secrets"}, []string{"*"}, nil), Request{Verb: "delete", Resource: "secrets"}, true},
		{"other group", r([]string{"apps"}, []string{"secrets"}, []string{"get"}, nil), Request{Verb: "get", Resource: "secrets"}, false},
		{"group wildcard", r([]string{"*"}, []string{"secrets"}, []string{"get"}, nil), Request{Verb: "get", Resource: "secrets"}, true},
		{"resource wildcard", r([]string{""}, []string{"*"}, []string{"get"}, nil), Request{Verb: "get", Resource: "secrets"}, true},
		{"resource wildcard covers subresources", r([]string{""}, []string{"*"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"resource does not cover its subresources", r([]string{""}, []string{"pods"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"exact subresource", r([]string{""}, []string{"pods/exec"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"subresource is not the resource", r([]string{""}, []string{"pods/exec"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods"}, false},
		{"*/subresource", r([]string{""}, []string{"*/exec"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"*/subresource needs one", r([]string{""}, []string{"*/exec"}, []string{"create"}, nil), Request{Verb: "create", Resource: "exec"}, false},
		{"resource/* is literal", r([]string{""}, []string{"pods/*"}, []string{"create"}, nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"resourceNames allow the name", r([]string{""}, []string{"secrets"}, []string{"get"}, []string{"tls"}), Request{Verb: "get", Resource: "secrets", Name: "tls"}, true},
		{"resourceNames deny others", r([]string{""}, []string{"secrets"}, []string{"get"}, []string{"tls"}), Request{Verb: "get", Resource: "secrets", Name: "db"}, false},
		{"resourceNames never allow a collection", r([]string{""}, []string{"secrets"}, []string{"list"}, []string{"tls"}), Request{Verb: "list", Resource: "secrets"}, false},
		{"resourceNames * is literal", r([]string{""}, []string{"secrets"}, []string{"get"}, []string{"*"}), Request{Verb: "get", Resource: "secrets", Name: "db"}, false},
		{"nonResourceURLs match no resource", &rbacv1.PolicyRule{NonResourceURLs: []string{"*"}, Verbs: []string{"*"}}, Request{Verb: "get", Resource: "secrets"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RuleAllows(tt.rule, tt.req); got != tt.want {
				t.Errorf("RuleAllows(%s, %+v) = %v, want %v", RuleString(tt.rule), tt.req, got, tt.want)
			}
		})
	}
}

func TestRuleClasses(t *testing.T) {
	full := &rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}
	if !IsFullWildcard(full) || HasWildcard(&rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"pods"}, Verbs: []string{"get"}}) {
		t.Error("wildcards misjudged")
	}
	named := full.DeepCopy()
	named.ResourceNames = []string{"x"}
	if IsFullWildcard(named) {
		t.Error("a named rule is not a full wildcard")
	}
	for _, r := range builtinRoles() {
		trivial := r.Name == "system:discovery" || r.Name == "system:basic-user" || r.Name == "system:public-info-viewer"
		for i := range r.Rules {
			if IsTrivial(&r.Rules[i]) != trivial {
				t.Errorf("%s rules[%d]: trivial = %v", r.Name, i, !trivial)
			}
		}
	}
	if !OnlyClusterScoped(&rbacv1.PolicyRule{Resources: []string{"nodes", "nodes/proxy"}, APIGroups: []string{""}, Verbs: []string{"get"}}) ||
		OnlyClusterScoped(&rbacv1.PolicyRule{Resources: []string{"nodes", "pods"}, APIGroups: []string{""}, Verbs: []string{"get"}}) {
		t.Error("cluster scope misjudged")
	}
}

func TestParseSubject(t *testing.T) {
	for in, want := range map[string]string{
		"serviceaccount:pets:default":    "ServiceAccount pets/default",
		"sa:kube-system:fluent-bit":      "ServiceAccount kube-system/fluent-bit",
		"user:alice@contoso.com":         "User alice@contoso.com",
		"User:system:serviceaccount:a:b": "ServiceAccount a/b",
		"group:system:authenticated":     "Group system:authenticated",
	} {
		s, err := ParseSubject(in)
		if err != nil || s.String() != want {
			t.Errorf("ParseSubject(%q) = %v, %v; want %s", in, s, err, want)
		}
	}
	for _, bad := range []string{"alice", "serviceaccount:pets", "serviceaccount::x", "robot:x", "user:"} {
		if _, err := ParseSubject(bad); err == nil {
			t.Errorf("ParseSubject(%q) accepted", bad)
		}
	}
}
