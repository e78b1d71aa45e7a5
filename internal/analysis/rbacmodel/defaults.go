package rbacmodel

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// The built-in roles that manifests bind without defining them, taken from
// the bootstrap policy (bootstrap.go): admin, edit and view hold no rules
// of their own and aggregate the system:aggregate-to-* roles, exactly as in
// a cluster. A role of the same name in the inventory is used when it
// grants nothing more than the bootstrap role (a live cluster's copy); one
// that differs (a manifest redefining cluster-admin) never replaces the
// built-in: the API server reconciles the built-in rules back, so bindings
// to it keep them, and K8S-124 reports the redefinition.

const (
	labelAggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	labelAggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	labelAggregateToView  = "rbac.authorization.k8s.io/aggregate-to-view"
	// LabelBootstrapping marks the API server's own RBAC objects. It is
	// no proof of that: anyone can set it.
	LabelBootstrapping = "kubernetes.io/bootstrapping"
)

var (
	builtinClusterRoleNames = []string{
		"cluster-admin", "admin", "edit", "view",
		"system:aggregate-to-admin", "system:aggregate-to-edit", "system:aggregate-to-view",
		"system:discovery", "system:basic-user", "system:public-info-viewer",
	}
	// builtinRoleNames are namespaced bootstrap Roles that bindings
	// reference by a name without the system: prefix.
	builtinRoleNames = [][2]string{{"kube-system", "extension-apiserver-authentication-reader"}}
)

// builtinRole returns a fresh copy of a bootstrap role: the model points
// into it.
func builtinRole(kind, ns, name string) *Role {
	u, ok := upstreamRoleOf(kind, ns, name)
	if !ok {
		panic("rbac: " + name + " is not in the bootstrap policy")
	}
	v := u.variants[0]
	labels := map[string]string{}
	for k, val := range v.labels {
		labels[k] = val
	}
	r := &Role{Kind: kind, Namespace: ns, Name: name, Labels: labels, Rules: make([]rbacv1.PolicyRule, len(v.rules))}
	for i := range v.rules {
		v.rules[i].DeepCopyInto(&r.Rules[i])
	}
	if v.agg != nil {
		r.Aggregation = v.agg.DeepCopy()
	}
	return r
}

func builtinRoles() []*Role {
	var out []*Role
	for _, n := range builtinClusterRoleNames {
		out = append(out, builtinRole(kindClusterRole, "", n))
	}
	for _, n := range builtinRoleNames {
		out = append(out, builtinRole(kindRole, n[0], n[1]))
	}
	return out
}
