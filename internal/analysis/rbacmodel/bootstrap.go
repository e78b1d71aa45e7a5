package rbacmodel

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// The API server's bootstrap policy, as upstream dumps it for its own
// tests: k8s.io/kubernetes v1.37.2,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/*.yaml
// (Apache-2.0, copied unchanged; cluster-roles-featuregates.yaml is the
// variant with every feature gate on). Update them together with the
// Kubernetes version Bulwark's modules follow.
//
// Only the objects that match this policy by name AND content are the
// platform's. A name is no credential: anyone can call a binding
// system:test, label it kubernetes.io/bootstrapping, and have it hand out
// */*/*.
//
//go:embed bootstrappolicy/*.yaml
var bootstrapFS embed.FS

// BootstrapVersion is the Kubernetes release the bootstrap policy is from.
const BootstrapVersion = "v1.37.2"

type upstreamRole struct {
	// variants: the same role with and without feature gates.
	variants []upstreamRoleContent
}

type upstreamRoleContent struct {
	labels map[string]string
	rules  []rbacv1.PolicyRule
	agg    *rbacv1.AggregationRule
}

type upstreamBinding struct {
	roleRef  rbacv1.RoleRef
	subjects []rbacv1.Subject
}

type bootstrapPolicy struct {
	roles    map[roleKey]*upstreamRole
	bindings map[roleKey]upstreamBinding
	// order keeps the roles as the files list them, for builtins.
	order []roleKey
}

var bootstrap = sync.OnceValue(func() *bootstrapPolicy {
	p, err := loadBootstrap()
	if err != nil {
		// The files are compiled in and tested: failing here is a build
		// defect, not an input problem.
		panic(err)
	}
	return p
})

func loadBootstrap() (*bootstrapPolicy, error) {
	p := &bootstrapPolicy{roles: map[roleKey]*upstreamRole{}, bindings: map[roleKey]upstreamBinding{}}
	files, err := bootstrapFS.ReadDir("bootstrappolicy")
	if err != nil {
		return nil, err
	}
	// The feature-gated variants come second: the first is the default.
	gated := func(f fs.DirEntry) int {
		if strings.Contains(f.Name(), "featuregates") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(files, func(a, b fs.DirEntry) int { return cmp.Compare(gated(a), gated(b)) })
	for _, f := range files {
		data, err := bootstrapFS.ReadFile("bootstrappolicy/" + f.Name())
		if err != nil {
			return nil, err
		}
		var list struct {
			APIVersion string          `json:"apiVersion"`
			Kind       string          `json:"kind"`
			Metadata   metav1.ListMeta `json:"metadata"`
			Items      []struct {
				APIVersion      string                  `json:"apiVersion"`
				Kind            string                  `json:"kind"`
				Metadata        metav1.ObjectMeta       `json:"metadata"`
				Rules           []rbacv1.PolicyRule     `json:"rules"`
				AggregationRule *rbacv1.AggregationRule `json:"aggregationRule"`
				RoleRef         rbacv1.RoleRef          `json:"roleRef"`
				Subjects        []rbacv1.Subject        `json:"subjects"`
			} `json:"items"`
		}
		if err := yaml.UnmarshalStrict(data, &list); err != nil {
			return nil, fmt.Errorf("bootstrap policy %s: %w", f.Name(), err)
		}
		for _, it := range list.Items {
			k := roleKey{it.Kind, it.Metadata.Namespace, it.Metadata.Name}
			switch it.Kind {
			case kindRole, kindClusterRole:
				r := p.roles[k]
				if r == nil {
					r = &upstreamRole{}
					p.roles[k] = r
					p.order = append(p.order, k)
				}
				r.variants = append(r.variants, upstreamRoleContent{labels: it.Metadata.Labels, rules: it.Rules, agg: it.AggregationRule})
			case kindRoleBinding, kindClusterRoleBinding:
				p.bindings[k] = upstreamBinding{roleRef: it.RoleRef, subjects: it.Subjects}
			default:
				return nil, fmt.Errorf("bootstrap policy %s: unexpected kind %q", f.Name(), it.Kind)
			}
		}
	}
	return p, nil
}

// upstreamRoleOf returns the bootstrap policy's role of that kind and name.
func upstreamRoleOf(kind, ns, name string) (*upstreamRole, bool) {
	r, ok := bootstrap().roles[roleKey{kind, ns, name}]
	return r, ok
}

// Bootstrap reports whether the binding is one of the API server's own:
// a binding of the bootstrap policy's name, kind and namespace, with its
// roleRef, whose subjects are all among the bootstrap binding's, bound to
// a role that is itself the bootstrap one. Anything else — a system: name
// with other subjects, another role, a redefined role, or a name the
// policy does not have — is judged like any other binding.
func (b *Binding) Bootstrap() bool {
	u, ok := bootstrap().bindings[roleKey{b.Kind, b.Namespace, b.Name}]
	if !ok || u.roleRef.Kind != b.RoleRef.Kind || u.roleRef.Name != b.RoleRef.Name || b.Role != nil && !b.Role.Bootstrap() {
		return false
	}
	for _, s := range b.Subjects {
		if !slices.ContainsFunc(u.subjects, func(us rbacv1.Subject) bool {
			return us.Kind == s.Kind && us.Name == s.Name && us.Namespace == s.Namespace
		}) {
			return false
		}
	}
	return true
}

// Bootstrap reports whether the role is one of the API server's own: a
// built-in Bulwark adds, or an object of a bootstrap policy name whose
// content grants nothing the bootstrap role does not (see Redefines).
func (r *Role) Bootstrap() bool {
	if r.Builtin() {
		return true
	}
	_, ok := upstreamRoleOf(r.Kind, r.Namespace, r.Name)
	return ok && len(r.Redefines()) == 0
}

// Redefines says how a role named like a bootstrap policy role differs
// from it: the rules it grants beyond the bootstrap role, the bootstrap
// rules a manifest's copy lacks, or a different aggregation rule. Nil when
// it does not differ or has no bootstrap namesake. A live cluster's copy
// of an older release grants a subset and does not differ; the rules of a
// role the aggregation controller fills (admin, edit, view) are the
// controller's, so only its selectors count.
func (r *Role) Redefines() []string { return r.redefines }

// redefinition computes Redefines once, before the model completes a
// redefined built-in with the built-in's rules.
func (r *Role) redefinition() []string {
	if r.Builtin() {
		return nil
	}
	u, ok := upstreamRoleOf(r.Kind, r.Namespace, r.Name)
	if !ok {
		return nil
	}
	var best []string
	for _, v := range u.variants {
		var diff []string
		if r.Aggregation != nil || v.agg != nil {
			if v.agg == nil || r.Aggregation == nil || !equality.Semantic.DeepEqual(r.Aggregation.ClusterRoleSelectors, v.agg.ClusterRoleSelectors) {
				diff = append(diff, "a different aggregationRule")
			}
		}
		if v.agg == nil {
			for i := range r.Rules {
				if !slices.ContainsFunc(v.rules, func(ur rbacv1.PolicyRule) bool { return ruleCovers(&ur, &r.Rules[i]) }) {
					diff = append(diff, fmt.Sprintf("rules[%d] (%s), which the built-in does not grant", i, RuleString(&r.Rules[i])))
				}
			}
			// A manifest that narrows a built-in is a redefinition too
			// (applied, it would change the cluster's role until the API
			// server restores it); a live role that lacks rules is an
			// older release's.
			if r.Object != nil && r.Object.Loc.File != "" {
				for i := range v.rules {
					if !slices.ContainsFunc(r.Rules, func(rr rbacv1.PolicyRule) bool { return ruleCovers(&rr, &v.rules[i]) }) {
						diff = append(diff, fmt.Sprintf("no rule for the built-in's %s", RuleString(&v.rules[i])))
					}
				}
			}
		}
		if len(diff) == 0 {
			return nil
		}
		if best == nil || len(diff) < len(best) {
			best = diff
		}
	}
	return best
}

// ruleCovers reports whether rule u allows everything rule r allows.
func ruleCovers(u, r *rbacv1.PolicyRule) bool {
	has := func(set []string, v string) bool { return slices.Contains(set, "*") || slices.Contains(set, v) }
	all := func(set, vs []string) bool {
		for _, v := range vs {
			if !has(set, v) {
				return false
			}
		}
		return true
	}
	if !all(u.Verbs, r.Verbs) {
		return false
	}
	if len(r.NonResourceURLs) > 0 {
		for _, url := range r.NonResourceURLs {
			if !slices.ContainsFunc(u.NonResourceURLs, func(p string) bool {
				return p == "*" || p == url || strings.HasSuffix(p, "*") && strings.HasPrefix(url, strings.TrimSuffix(p, "*"))
			}) {
				return false
			}
		}
	}
	if len(r.Resources) > 0 && (!all(u.APIGroups, r.APIGroups) || !all(u.Resources, r.Resources)) {
		return false
	}
	if len(u.ResourceNames) > 0 && (len(r.ResourceNames) == 0 || !all(u.ResourceNames, r.ResourceNames)) {
		return false
	}
	return true
}
