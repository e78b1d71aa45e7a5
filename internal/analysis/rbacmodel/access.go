package rbacmodel

import (
	"cmp"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Access is everything a subject can do and why: what `bulwark explain
// access` prints.
type Access struct {
	Subject Subject
	// Groups are the groups whose bindings were counted besides the
	// subject's own: the ones the API server adds, plus any given.
	Groups []string
	// Scopes hold the effective rules, cluster-wide first, then by
	// namespace.
	Scopes []ScopeGrants
	// Risks are the dangerous rights among them, per binding.
	Risks []SubjectRisk
	// Missing are bindings naming the subject whose role is not known.
	Missing []*Binding
	// Escalation is a shortest chain to cluster-admin, nil if none.
	Escalation Chain
	// Workloads run as the subject (service accounts only).
	Workloads []*Workload
}

// ScopeGrants are the grants that apply in one scope.
type ScopeGrants struct {
	Scope  Scope
	Grants []Grant
}

// SubjectRisk is one risk a binding gives the subject.
type SubjectRisk struct {
	RiskGrant
	Binding *Binding
	// Via is the binding subject that matched (the subject itself or one
	// of its groups).
	Via Subject
}

// Access explains subject s. extraGroups are groups the caller knows a
// user to be in (an identity provider's groups are not in the inventory).
func (m *Model) Access(s Subject, extraGroups ...string) *Access {
	a := &Access{Subject: s}
	for _, g := range append(s.Groups(), extraGroups...) {
		if !slices.Contains(a.Groups, g) {
			a.Groups = append(a.Groups, g)
		}
	}
	byScope := map[Scope][]Grant{}
	for _, g := range m.Grants(s, extraGroups...) {
		byScope[g.Scope()] = append(byScope[g.Scope()], g)
	}
	for sc, gs := range byScope {
		a.Scopes = append(a.Scopes, ScopeGrants{Scope: sc, Grants: gs})
	}
	slices.SortFunc(a.Scopes, func(x, y ScopeGrants) int {
		if x.Scope.Cluster != y.Scope.Cluster {
			if x.Scope.Cluster {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.Scope.Namespace, y.Scope.Namespace)
	})
	for _, sb := range m.subjectBindings(s, extraGroups) {
		for _, rg := range m.Risks(sb.b, sb.i) {
			a.Risks = append(a.Risks, SubjectRisk{RiskGrant: rg, Binding: sb.b, Via: sb.b.Subject(sb.i)})
		}
	}
	slices.SortStableFunc(a.Risks, func(x, y SubjectRisk) int { return cmp.Compare(x.Risk, y.Risk) })
	for _, k := range s.identities(extraGroups) {
		for _, sb := range m.unresolved[k] {
			if !slices.Contains(a.Missing, sb.b) {
				a.Missing = append(a.Missing, sb.b)
			}
		}
	}
	a.Escalation = m.Escalation(s, extraGroups...)
	if s.Kind == rbacv1.ServiceAccountKind {
		for _, w := range m.Workloads {
			if w.Namespace == s.Namespace && w.ServiceAccount == s.Name {
				a.Workloads = append(a.Workloads, w)
			}
		}
	}
	return a
}
