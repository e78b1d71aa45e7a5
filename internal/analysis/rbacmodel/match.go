package rbacmodel

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Request is one resource request in the authorizer's terms. Name is the
// object's name; empty means no particular object (create, list, watch of
// a collection), which a rule restricted by resourceNames never allows.
type Request struct {
	Verb        string
	APIGroup    string
	Resource    string
	Subresource string
	Name        string
}

// RuleAllows reports whether rule allows req, with the semantics of the
// API server's RBAC authorizer (k8s.io/kubernetes/pkg/apis/rbac/v1
// VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches).
func RuleAllows(rule *rbacv1.PolicyRule, req Request) bool {
	return verbMatches(rule, req.Verb) &&
		apiGroupMatches(rule, req.APIGroup) &&
		resourceMatches(rule, req.Resource, req.Subresource) &&
		resourceNameMatches(rule, req.Name)
}

func verbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func apiGroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// resourceMatches matches "*", the exact "resource" or
// "resource/subresource", and "*/subresource". "pods/*" is not a pattern:
// the authorizer compares it literally.
func resourceMatches(rule *rbacv1.PolicyRule, resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined = resource + "/" + subresource
	}
	for _, r := range rule.Resources {
		switch {
		case r == rbacv1.ResourceAll, r == combined:
			return true
		case subresource != "" && len(r) == len(subresource)+2 && strings.HasPrefix(r, "*/") && strings.HasSuffix(r, subresource):
			return true
		}
	}
	return false
}

func resourceNameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	return slices.Contains(rule.ResourceNames, name)
}

// IsFullWildcard reports a rule that allows every verb on every resource
// of every API group: the resource half of cluster-admin.
func IsFullWildcard(rule *rbacv1.PolicyRule) bool {
	return len(rule.ResourceNames) == 0 &&
		slices.Contains(rule.Verbs, rbacv1.VerbAll) &&
		slices.Contains(rule.APIGroups, rbacv1.APIGroupAll) &&
		slices.Contains(rule.Resources, rbacv1.ResourceAll)
}

// HasWildcard reports a rule with "*" among its verbs or resources (a "*"
// API group alone, with named resources and verbs, grants nothing
// unforeseen and is not counted).
func HasWildcard(rule *rbacv1.PolicyRule) bool {
	if len(rule.Resources) == 0 {
		return false
	}
	if slices.Contains(rule.Verbs, rbacv1.VerbAll) {
		return true
	}
	for _, r := range rule.Resources {
		if r == rbacv1.ResourceAll || strings.HasPrefix(r, "*/") {
			return true
		}
	}
	return false
}

// IsTrivial reports a rule every authenticated user holds by default:
// reading discovery, health and version URLs, and asking the API server
// what one may do oneself (system:discovery, system:basic-user,
// system:public-info-viewer). Granting only these to a broad group is not
// a finding.
func IsTrivial(rule *rbacv1.PolicyRule) bool {
	if len(rule.NonResourceURLs) > 0 && len(rule.Resources) == 0 {
		for _, v := range rule.Verbs {
			if v != "get" && v != "head" {
				return false
			}
		}
		return true
	}
	if len(rule.Verbs) != 1 || rule.Verbs[0] != "create" || len(rule.ResourceNames) > 0 {
		return false
	}
	for _, g := range rule.APIGroups {
		if g != "authorization.k8s.io" && g != "authentication.k8s.io" {
			return false
		}
	}
	for _, r := range rule.Resources {
		switch r {
		case "selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews":
		default:
			return false
		}
	}
	return len(rule.APIGroups) > 0 && len(rule.Resources) > 0
}

// clusterScoped lists resources that live outside namespaces, per API
// group. A RoleBinding never grants them. Impersonation of users, groups,
// uids and user extras is authorized without a namespace too.
var clusterScoped = map[string][]string{
	"":                             {"nodes", "namespaces", "persistentvolumes", "componentstatuses", "users", "groups"},
	"rbac.authorization.k8s.io":    {"clusterroles", "clusterrolebindings"},
	"certificates.k8s.io":          {"certificatesigningrequests", "signers", "clustertrustbundles"},
	"admissionregistration.k8s.io": {"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"},
	"apiextensions.k8s.io":         {"customresourcedefinitions"},
	"apiregistration.k8s.io":       {"apiservices"},
	"storage.k8s.io":               {"storageclasses", "csidrivers", "csinodes", "volumeattachments", "volumeattributesclasses"},
	"scheduling.k8s.io":            {"priorityclasses"},
	"node.k8s.io":                  {"runtimeclasses"},
	"networking.k8s.io":            {"ingressclasses", "ipaddresses", "servicecidrs"},
	"flowcontrol.apiserver.k8s.io": {"flowschemas", "prioritylevelconfigurations"},
	"authentication.k8s.io":        {"tokenreviews", "selfsubjectreviews", "uids", "userextras"},
	"authorization.k8s.io":         {"subjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews"},
}

// IsClusterScoped reports whether a resource (without subresource) of an
// API group is cluster-scoped.
func IsClusterScoped(group, resource string) bool {
	return slices.Contains(clusterScoped[group], resource)
}

// OnlyClusterScoped reports a rule that names only cluster-scoped
// resources (or only non-resource URLs), which a RoleBinding grants
// nothing of.
func OnlyClusterScoped(rule *rbacv1.PolicyRule) bool {
	if len(rule.Resources) == 0 {
		return true
	}
	for _, r := range rule.Resources {
		res, _, _ := strings.Cut(r, "/")
		scoped := false
		for _, g := range rule.APIGroups {
			if g != rbacv1.APIGroupAll && IsClusterScoped(g, res) {
				scoped = true
			}
		}
		if !scoped {
			return false
		}
	}
	return true
}
