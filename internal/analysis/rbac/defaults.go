package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Built-in ClusterRoles that manifests bind without defining them. Their
// rules are those of the API server's bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy, testdata
// cluster-roles.yaml): admin, edit and view hold no rules of their own and
// aggregate the system:aggregate-to-* roles, exactly as in a cluster. A role
// of the same name in the inventory (a live cluster's, or a manifest's)
// replaces the built-in one.

const (
	labelAggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	labelAggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	labelAggregateToView  = "rbac.authorization.k8s.io/aggregate-to-view"
	// LabelBootstrapping marks the API server's own RBAC objects.
	LabelBootstrapping = "kubernetes.io/bootstrapping"
)

func rule(groups, resources, verbs []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs}
}

var (
	core       = []string{""}
	readVerbs  = []string{"get", "list", "watch"}
	writeVerbs = []string{"create", "delete", "deletecollection", "patch", "update"}
)

func aggregated(label string) *rbacv1.AggregationRule {
	return &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{label: "true"}}}}
}

func builtinRole(name string, labels map[string]string, agg *rbacv1.AggregationRule, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelBootstrapping] = "rbac-defaults"
	return &rbacv1.ClusterRole{
		TypeMeta:        metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta:      metav1.ObjectMeta{Name: name, Labels: labels},
		AggregationRule: agg,
		Rules:           rules,
	}
}

// builtinClusterRoles returns fresh copies: the model points into them.
func builtinClusterRoles() []*rbacv1.ClusterRole {
	return []*rbacv1.ClusterRole{
		builtinRole("cluster-admin", nil, nil,
			rule([]string{"*"}, []string{"*"}, []string{"*"}),
			rbacv1.PolicyRule{NonResourceURLs: []string{"*"}, Verbs: []string{"*"}}),
		builtinRole("admin", nil, aggregated(labelAggregateToAdmin)),
		builtinRole("edit", map[string]string{labelAggregateToAdmin: "true"}, aggregated(labelAggregateToEdit)),
		builtinRole("view", map[string]string{labelAggregateToEdit: "true"}, aggregated(labelAggregateToView)),
		builtinRole("system:aggregate-to-admin", map[string]string{labelAggregateToAdmin: "true"}, nil,
			rule([]string{"authorization.k8s.io"}, []string{"localsubjectaccessreviews"}, []string{"create"}),
			rule([]string{"rbac.authorization.k8s.io"}, []string{"rolebindings", "roles"}, []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}),
		),
		builtinRole("system:aggregate-to-edit", map[string]string{labelAggregateToEdit: "true"}, nil,
			rule(core, []string{"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"}, readVerbs),
			rule(core, []string{"serviceaccounts"}, []string{"impersonate"}),
			rule(core, []string{"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, writeVerbs),
			rule(core, []string{"pods/eviction"}, []string{"create"}),
			rule(core, []string{"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"}, writeVerbs),
			rule(core, []string{"serviceaccounts/token"}, []string{"create"}),
			rule([]string{"apps"}, []string{"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"}, writeVerbs),
			rule([]string{"autoscaling"}, []string{"horizontalpodautoscalers"}, writeVerbs),
			rule([]string{"batch"}, []string{"cronjobs", "jobs"}, writeVerbs),
			rule([]string{"extensions"}, []string{"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"}, writeVerbs),
			rule([]string{"policy"}, []string{"poddisruptionbudgets"}, writeVerbs),
			rule([]string{"networking.k8s.io"}, []string{"ingresses", "networkpolicies"}, writeVerbs),
			rule([]string{"coordination.k8s.io"}, []string{"leases"}, []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}),
		),
		builtinRole("system:aggregate-to-view", map[string]string{labelAggregateToView: "true"}, nil,
			rule(core, []string{"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"}, readVerbs),
			rule(core, []string{"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"}, readVerbs),
			rule(core, []string{"namespaces"}, readVerbs),
			rule([]string{"discovery.k8s.io"}, []string{"endpointslices"}, readVerbs),
			rule([]string{"apps"}, []string{"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"}, readVerbs),
			rule([]string{"autoscaling"}, []string{"horizontalpodautoscalers", "horizontalpodautoscalers/status"}, readVerbs),
			rule([]string{"batch"}, []string{"cronjobs", "cronjobs/status", "jobs", "jobs/status"}, readVerbs),
			rule([]string{"extensions"}, []string{"daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"}, readVerbs),
			rule([]string{"policy"}, []string{"poddisruptionbudgets", "poddisruptionbudgets/status"}, readVerbs),
			rule([]string{"networking.k8s.io"}, []string{"ingresses", "ingresses/status", "networkpolicies"}, readVerbs),
		),
		builtinRole("system:discovery", nil, nil,
			rbacv1.PolicyRule{NonResourceURLs: []string{"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"}, Verbs: []string{"get"}}),
		builtinRole("system:basic-user", nil, nil,
			rule([]string{"authorization.k8s.io"}, []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}, []string{"create"}),
			rule([]string{"authentication.k8s.io"}, []string{"selfsubjectreviews"}, []string{"create"})),
		builtinRole("system:public-info-viewer", nil, nil,
			rbacv1.PolicyRule{NonResourceURLs: []string{"/healthz", "/livez", "/readyz", "/version", "/version/"}, Verbs: []string{"get"}}),
	}
}

// builtinRoles are the bootstrap policy's namespaced Roles that bindings
// reference by a name without the system: prefix.
func builtinRoles() []*rbacv1.Role {
	return []*rbacv1.Role{{
		TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: metav1.ObjectMeta{Name: "extension-apiserver-authentication-reader", Namespace: "kube-system",
			Labels: map[string]string{LabelBootstrapping: "rbac-defaults"}},
		Rules: []rbacv1.PolicyRule{{APIGroups: core, Resources: []string{"configmaps"}, ResourceNames: []string{"extension-apiserver-authentication"}, Verbs: readVerbs}},
	}}
}
