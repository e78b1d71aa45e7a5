package rbacmodel

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

const (
	kindRole               = "Role"
	kindClusterRole        = "ClusterRole"
	kindRoleBinding        = "RoleBinding"
	kindClusterRoleBinding = "ClusterRoleBinding"
)

// Role is a Role or ClusterRole.
type Role struct {
	Kind      string
	Namespace string // empty for ClusterRoles
	Name      string
	Labels    map[string]string
	// Rules are the role's own rules, as written.
	Rules       []rbacv1.PolicyRule
	Aggregation *rbacv1.AggregationRule
	// Object is where the role was read; nil for a built-in ClusterRole
	// that the inventory does not hold.
	Object *inventory.Object

	own            []*RoleRule
	effective      []*RoleRule
	aggregates     []*Role // ClusterRoles whose rules this one aggregates
	aggregatedInto []*Role
	boundBy        []*Binding
	sameAs         *Role // the role of the same kind and name read first
	builtinOf      *Role // the redefinition this built-in's rules are kept in
	redefines      []string
}

// RoleRule is one rule of a role, as written in it.
type RoleRule struct {
	Role  *Role
	Index int
	Rule  *rbacv1.PolicyRule

	caps Cap // computed once
}

// Path is the rule's field path inside its role, e.g. rules[2].
func (rr *RoleRule) Path() *field.Path { return field.NewPath("rules").Index(rr.Index) }

// String is "rules[2] (verbs=… resources=…)".
func (rr *RoleRule) String() string {
	return fmt.Sprintf("rules[%d] (%s)", rr.Index, RuleString(rr.Rule))
}

// Ref names the role: "ClusterRole edit", "Role pets/release-manager".
func (r *Role) Ref() string { return r.Kind + " " + nsName(r.Namespace, r.Name) }

// Builtin reports a role that comes from Bulwark's copy of the API
// server's bootstrap policy, not from the inventory.
func (r *Role) Builtin() bool { return r.Object == nil }

// Effective returns the role's rules including those it aggregates, each
// pointing at the role it is written in. Duplicates are dropped.
func (r *Role) Effective() []*RoleRule { return r.effective }

// BoundBy lists the bindings that reference the role.
func (r *Role) BoundBy() []*Binding { return r.boundBy }

// AggregatedInto lists the ClusterRoles that aggregate this one.
func (r *Role) AggregatedInto() []*Role { return r.aggregatedInto }

// Binding is a RoleBinding or ClusterRoleBinding.
type Binding struct {
	Kind      string
	Namespace string // empty for ClusterRoleBindings
	Name      string
	Labels    map[string]string
	RoleRef   rbacv1.RoleRef
	Subjects  []rbacv1.Subject
	// Role is the referenced role, nil when neither the inventory nor the
	// built-in roles have it.
	Role   *Role
	Object *inventory.Object

	order int // position in Model.Bindings
}

// Ref names the binding: "ClusterRoleBinding ci-admin",
// "RoleBinding pets/default-sa-edit".
func (b *Binding) Ref() string { return b.Kind + " " + nsName(b.Namespace, b.Name) }

// RoleRefString names the referenced role, known or not.
func (b *Binding) RoleRefString() string {
	if b.Role != nil {
		return b.Role.Ref()
	}
	if b.RoleRef.Kind == kindRole {
		return kindRole + " " + nsName(b.Namespace, b.RoleRef.Name)
	}
	return b.RoleRef.Kind + " " + b.RoleRef.Name
}

// Scope is where the binding grants: everywhere for a ClusterRoleBinding,
// its namespace for a RoleBinding.
func (b *Binding) Scope() Scope {
	if b.Kind == kindClusterRoleBinding {
		return Scope{Cluster: true}
	}
	return Scope{Namespace: b.Namespace}
}

// Subject returns the binding's i-th subject.
func (b *Binding) Subject(i int) Subject { return FromRBAC(b.Subjects[i], b.Namespace) }

// SubjectPath is the field path of the i-th subject.
func (b *Binding) SubjectPath(i int) *field.Path { return field.NewPath("subjects").Index(i) }

// Scope is where a grant applies.
type Scope struct {
	Cluster   bool
	Namespace string
}

func (s Scope) String() string {
	switch {
	case s.Cluster:
		return "cluster-wide"
	case s.Namespace == "":
		return "in the binding's (unset) namespace"
	}
	return "in namespace " + s.Namespace
}

// Covers reports whether a grant with scope s applies in scope t.
func (s Scope) Covers(t Scope) bool { return s.Cluster || !t.Cluster && s.Namespace == t.Namespace }

// Grant is one effective rule a subject holds through one binding.
type Grant struct {
	Binding *Binding
	Subject int // index into Binding.Subjects
	Rule    *RoleRule
}

// Scope is where the grant applies.
func (g Grant) Scope() Scope { return g.Binding.Scope() }

// Path is the chain that gives the right: "RoleBinding pets/x → ClusterRole
// edit → ClusterRole system:aggregate-to-edit rules[2] (verbs=…)".
func (g Grant) Path() string {
	var sb strings.Builder
	sb.WriteString(g.Binding.Ref())
	sb.WriteString(" → ")
	sb.WriteString(g.Binding.Role.Ref())
	switch {
	case g.Rule.Role.builtinOf == g.Binding.Role:
		sb.WriteString(" (built-in)")
	case g.Rule.Role != g.Binding.Role:
		sb.WriteString(" → aggregated ")
		sb.WriteString(g.Rule.Role.Ref())
	}
	sb.WriteString(" ")
	sb.WriteString(g.Rule.String())
	return sb.String()
}

// RuleString summarises a rule: verbs=get,list resources=secrets, plus
// apiGroups when not only the core group, resourceNames and
// nonResourceURLs when set.
func RuleString(r *rbacv1.PolicyRule) string {
	var parts []string
	parts = append(parts, "verbs="+strings.Join(r.Verbs, ","))
	if len(r.Resources) > 0 {
		parts = append(parts, "resources="+strings.Join(r.Resources, ","))
		if !(len(r.APIGroups) == 1 && r.APIGroups[0] == "") {
			gs := make([]string, len(r.APIGroups))
			for i, g := range r.APIGroups {
				gs[i] = g
				if g == "" {
					gs[i] = `""`
				}
			}
			parts = append(parts, "apiGroups="+strings.Join(gs, ","))
		}
	}
	if len(r.ResourceNames) > 0 {
		parts = append(parts, "resourceNames="+strings.Join(r.ResourceNames, ","))
	}
	if len(r.NonResourceURLs) > 0 {
		parts = append(parts, "nonResourceURLs="+strings.Join(r.NonResourceURLs, ","))
	}
	return strings.Join(parts, " ")
}

type roleKey struct{ kind, ns, name string }

type subjectBinding struct {
	b *Binding
	i int
}

// Workload is a pod template and the service account it runs as.
type Workload struct {
	Object         *inventory.Object
	Namespace      string
	ServiceAccount string
	// SAPath is the field that names the service account (or where one
	// would be named).
	SAPath *field.Path
	// TokenMounted reports an API token in the pod's containers: the
	// automounted one (pod setting, else the ServiceAccount's, else true)
	// or a projected serviceAccountToken for the API server's audience.
	TokenMounted bool
}

// tokenSecret is a legacy service-account token Secret in the inventory.
type tokenSecret struct {
	namespace, name, sa string
}

// Model is the RBAC state of one inventory.
type Model struct {
	// Roles and Bindings are in inventory order; built-in roles that the
	// inventory does not hold come after the inventory's roles.
	Roles     []*Role
	Bindings  []*Binding
	Workloads []*Workload

	roles     map[roleKey]*Role
	bySubject map[key][]subjectBinding
	// unresolved indexes bindings whose role is not known, by subject.
	unresolved map[key][]subjectBinding
	byObject   map[*inventory.Object]any // *Role, *Binding or *Workload
	secrets    []tokenSecret
	risks      map[subjectBinding][]RiskGrant
	esc        *escalation
}

type modelKey struct{}

// For returns the model of inv, built once and shared by every check.
func For(inv *inventory.Inventory) *Model {
	return inv.Derived(modelKey{}, func(inv *inventory.Inventory) any { return Build(inv) }).(*Model)
}

// Build builds the model. Use For in checks.
func Build(inv *inventory.Inventory) *Model {
	m := &Model{roles: map[roleKey]*Role{}, bySubject: map[key][]subjectBinding{}, unresolved: map[key][]subjectBinding{}, byObject: map[*inventory.Object]any{}, risks: map[subjectBinding][]RiskGrant{}}
	for _, o := range inv.Objects {
		switch r := o.Typed.(type) {
		case *rbacv1.Role:
			m.addRole(&Role{Kind: kindRole, Namespace: r.Namespace, Name: r.Name, Labels: r.Labels, Rules: r.Rules, Object: o})
		case *rbacv1.ClusterRole:
			m.addRole(&Role{Kind: kindClusterRole, Name: r.Name, Labels: r.Labels, Rules: r.Rules, Aggregation: r.AggregationRule, Object: o})
		}
	}
	for _, b := range builtinRoles() {
		switch r, ok := m.roles[roleKey{b.Kind, b.Namespace, b.Name}]; {
		case !ok:
			m.addRole(b)
		case len(r.Redefines()) > 0:
			r.keepBuiltin(b)
		}
	}
	m.aggregate()

	for _, o := range inv.Objects {
		switch b := o.Typed.(type) {
		case *rbacv1.RoleBinding:
			m.addBinding(&Binding{Kind: kindRoleBinding, Namespace: b.Namespace, Name: b.Name, Labels: b.Labels, RoleRef: b.RoleRef, Subjects: b.Subjects, Object: o})
		case *rbacv1.ClusterRoleBinding:
			m.addBinding(&Binding{Kind: kindClusterRoleBinding, Name: b.Name, Labels: b.Labels, RoleRef: b.RoleRef, Subjects: b.Subjects, Object: o})
		}
	}
	for _, o := range inv.OfKind("Secret") {
		s, ok := o.Typed.(*corev1.Secret)
		if ok && s.Type == corev1.SecretTypeServiceAccountToken && s.Annotations[corev1.ServiceAccountNameKey] != "" {
			m.secrets = append(m.secrets, tokenSecret{namespace: s.Namespace, name: s.Name, sa: s.Annotations[corev1.ServiceAccountNameKey]})
		}
	}
	for _, kind := range inventory.WorkloadKinds {
		for _, o := range inv.OfKind(kind) {
			if w, ok := workloadOf(inv, o); ok {
				m.Workloads = append(m.Workloads, w)
				m.byObject[o] = w
			}
		}
	}
	for _, b := range m.Bindings {
		for i := range b.Subjects {
			sb := subjectBinding{b, i}
			if rg := m.bindingRisks(b, i); len(rg) > 0 {
				m.risks[sb] = rg
			}
		}
	}
	m.esc = m.buildEscalation()
	return m
}

func (m *Model) addRole(r *Role) {
	r.own = ownRules(r)
	r.redefines = r.redefinition()
	m.Roles = append(m.Roles, r)
	if r.Object != nil {
		m.byObject[r.Object] = r
	}
	k := roleKey{r.Kind, r.Namespace, r.Name}
	if first, dup := m.roles[k]; dup {
		// The same role twice (two overlays scanned together): bindings
		// resolve to the first, and the second counts as used when the
		// first is.
		r.effective = r.own
		r.sameAs = first
		return
	}
	m.roles[k] = r
}

// keepBuiltin gives a redefined built-in role the built-in's rules and
// aggregation besides its own, as the API server's reconciliation does
// (it adds what is missing and keeps what was added): a manifest cannot
// take cluster-admin's rights away from those bound to it.
func (r *Role) keepBuiltin(b *Role) {
	b.own = ownRules(b)
	b.builtinOf = r
	r.own = append(b.own, r.own...)
	if b.Aggregation != nil {
		agg := b.Aggregation.DeepCopy()
		if r.Aggregation != nil {
			agg.ClusterRoleSelectors = append(agg.ClusterRoleSelectors, r.Aggregation.ClusterRoleSelectors...)
		}
		r.Aggregation = agg
	}
	for k, v := range b.Labels {
		if _, set := r.Labels[k]; !set && k != LabelBootstrapping {
			if r.Labels == nil {
				r.Labels = map[string]string{}
			}
			r.Labels[k] = v
		}
	}
}

func ownRules(r *Role) []*RoleRule {
	out := make([]*RoleRule, len(r.Rules))
	for i := range r.Rules {
		rr := &RoleRule{Role: r, Index: i, Rule: &r.Rules[i]}
		rr.caps = capsOf(rr.Rule)
		out[i] = rr
	}
	return out
}

// aggregate expands aggregationRules to a fixed point: a ClusterRole gets
// the effective rules of every ClusterRole its selectors match, and those
// may aggregate others in turn (edit aggregates view).
func (m *Model) aggregate() {
	var clusterRoles []*Role
	for _, r := range m.Roles {
		if r.Kind == kindClusterRole && m.roles[roleKey{r.Kind, "", r.Name}] == r {
			clusterRoles = append(clusterRoles, r)
		}
	}
	for _, r := range clusterRoles {
		if r.Aggregation == nil {
			continue
		}
		var sels []labels.Selector
		for i := range r.Aggregation.ClusterRoleSelectors {
			// An invalid selector aggregates nothing; an empty one, as
			// for the controller, every other ClusterRole (cluster-admin
			// included).
			s, err := metav1.LabelSelectorAsSelector(&r.Aggregation.ClusterRoleSelectors[i])
			if err != nil {
				continue
			}
			sels = append(sels, s)
		}
		for _, src := range clusterRoles {
			if src == r {
				continue
			}
			for _, s := range sels {
				if s.Matches(labels.Set(src.Labels)) {
					r.aggregates = append(r.aggregates, src)
					src.aggregatedInto = append(src.aggregatedInto, r)
					break
				}
			}
		}
	}
	done := map[*Role]bool{}
	var expand func(r *Role, stack map[*Role]bool) []*RoleRule
	expand = func(r *Role, stack map[*Role]bool) []*RoleRule {
		if done[r] {
			return r.effective
		}
		if stack[r] {
			return r.own // aggregation cycle: stop here
		}
		stack[r] = true
		var out []*RoleRule
		for _, src := range r.aggregates {
			out = appendRules(out, expand(src, stack))
		}
		// A live cluster's aggregated role already holds the aggregated
		// rules; those equal to a source's keep the source's provenance.
		out = appendRules(out, r.own)
		delete(stack, r)
		r.effective = out
		done[r] = true
		return out
	}
	for _, r := range m.Roles {
		if r.effective == nil {
			expand(r, map[*Role]bool{})
		}
	}
}

func appendRules(dst, src []*RoleRule) []*RoleRule {
	for _, s := range src {
		if !slices.ContainsFunc(dst, func(d *RoleRule) bool { return d == s || sameRule(d.Rule, s.Rule) }) {
			dst = append(dst, s)
		}
	}
	return dst
}

func sameRule(a, b *rbacv1.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

func (m *Model) addBinding(b *Binding) {
	b.order = len(m.Bindings)
	m.Bindings = append(m.Bindings, b)
	m.byObject[b.Object] = b
	switch {
	case b.RoleRef.Kind == kindClusterRole:
		b.Role = m.roles[roleKey{kindClusterRole, "", b.RoleRef.Name}]
	case b.RoleRef.Kind == kindRole && b.Kind == kindRoleBinding:
		b.Role = m.roles[roleKey{kindRole, b.Namespace, b.RoleRef.Name}]
	}
	if b.Role == nil {
		for i := range b.Subjects {
			k := b.Subject(i).key()
			m.unresolved[k] = append(m.unresolved[k], subjectBinding{b, i})
		}
		return
	}
	b.Role.boundBy = append(b.Role.boundBy, b)
	for i := range b.Subjects {
		k := b.Subject(i).key()
		m.bySubject[k] = append(m.bySubject[k], subjectBinding{b, i})
	}
}

// RoleOf returns the model's role for a Role or ClusterRole object.
func (m *Model) RoleOf(o *inventory.Object) (*Role, bool) {
	r, ok := m.byObject[o].(*Role)
	return r, ok
}

// BindingOf returns the model's binding for a binding object.
func (m *Model) BindingOf(o *inventory.Object) (*Binding, bool) {
	b, ok := m.byObject[o].(*Binding)
	return b, ok
}

// WorkloadOf returns the model's workload for a workload object.
func (m *Model) WorkloadOf(o *inventory.Object) (*Workload, bool) {
	w, ok := m.byObject[o].(*Workload)
	return w, ok
}

// Role looks a role up: a Role by namespace and name, a ClusterRole by
// name (namespace ignored).
func (m *Model) Role(kind, namespace, name string) (*Role, bool) {
	if kind == kindClusterRole {
		namespace = ""
	}
	r, ok := m.roles[roleKey{kind, namespace, name}]
	return r, ok
}

// Grants returns every effective rule the subject holds, itself or
// through its groups (and extraGroups), in binding order. For a group it
// returns what members get through that group alone.
func (m *Model) Grants(s Subject, extraGroups ...string) []Grant {
	var out []Grant
	for _, sb := range m.subjectBindings(s, extraGroups) {
		for _, rr := range sb.b.Role.effective {
			out = append(out, Grant{Binding: sb.b, Subject: sb.i, Rule: rr})
		}
	}
	return out
}

// subjectBindings lists the (binding, subject) pairs that apply to s, in
// binding order.
func (m *Model) subjectBindings(s Subject, extraGroups []string) []subjectBinding {
	var out []subjectBinding
	for _, k := range s.identities(extraGroups) {
		out = append(out, m.bySubject[k]...)
	}
	slices.SortStableFunc(out, func(a, b subjectBinding) int { return a.b.order - b.b.order })
	return out
}

// Subjects lists every subject named by a binding whose role is known, in
// binding order, without duplicates.
func (m *Model) Subjects() []Subject {
	seen := map[key]bool{}
	var out []Subject
	for _, b := range m.Bindings {
		if b.Role == nil {
			continue
		}
		for i := range b.Subjects {
			s := b.Subject(i)
			if !seen[s.key()] {
				seen[s.key()] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func workloadOf(inv *inventory.Inventory, o *inventory.Object) (*Workload, bool) {
	ps, ok := o.PodSpec()
	if !ok {
		return nil, false
	}
	w := &Workload{Object: o, Namespace: o.Meta.Namespace, ServiceAccount: "default", SAPath: ps.SpecPath.Child("serviceAccountName")}
	switch {
	case ps.Spec.ServiceAccountName != "":
		w.ServiceAccount = ps.Spec.ServiceAccountName
	case ps.Spec.DeprecatedServiceAccount != "":
		w.ServiceAccount = ps.Spec.DeprecatedServiceAccount
		w.SAPath = ps.SpecPath.Child("serviceAccount")
	}
	mount := true
	if ps.Spec.AutomountServiceAccountToken != nil {
		mount = *ps.Spec.AutomountServiceAccountToken
	} else if sa, ok := inv.ServiceAccount(w.Namespace, w.ServiceAccount); ok && sa.AutomountServiceAccountToken != nil {
		mount = *sa.AutomountServiceAccountToken
	}
	if !mount {
		for _, v := range ps.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for _, src := range v.Projected.Sources {
				if t := src.ServiceAccountToken; t != nil && t.Audience == "" {
					mount = true
				}
			}
		}
	}
	w.TokenMounted = mount
	return w, true
}

// ModelKinds are the kinds the model is built from. A check that judges
// through the model reads them (check.Meta.Reads): a live scan that cannot
// list one of them would see a partial model, so the check does not run.
var ModelKinds = append([]string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount", "Secret"}, inventory.WorkloadKinds...)
