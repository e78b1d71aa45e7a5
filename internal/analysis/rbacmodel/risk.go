package rbacmodel

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Cap is a set of capabilities a rule gives: each bit is one dangerous
// kind of request the rule allows on any object (rules narrowed by
// resourceNames do not count, except where a bit names the object).
type Cap uint64

const (
	// CapFullWildcard: every verb on every resource in every API group.
	CapFullWildcard Cap = 1 << iota
	// CapWildcard: "*" among the verbs or resources, short of the above.
	CapWildcard
	// CapReadSecrets: get, list or watch Secrets (list and watch return
	// the values too).
	CapReadSecrets
	// CapCreateSecrets: create Secrets.
	CapCreateSecrets
	// CapCreateWorkloads: create pods, or create/update/patch the
	// controllers that create them (any of their pod template fields,
	// serviceAccountName included).
	CapCreateWorkloads
	// CapPatchPods: update or patch pods (a running pod's images).
	CapPatchPods
	// CapExec: pods/exec or pods/attach, by create (POST, SPDY) or get
	// (WebSocket upgrade, enough before Kubernetes 1.35).
	CapExec
	// CapPortForward: pods/portforward by create or get.
	CapPortForward
	// CapEphemeral: update or patch pods/ephemeralcontainers.
	CapEphemeral
	// CapEscalateRoles and CapEscalateClusterRoles: the escalate verb,
	// which lifts the rule that a role may hold only rights its author has.
	CapEscalateRoles
	CapEscalateClusterRoles
	// CapWriteRoles and CapWriteClusterRoles: create, update or patch roles.
	CapWriteRoles
	CapWriteClusterRoles
	// CapBindRoles and CapBindClusterRoles: the bind verb, on any role or
	// on one of the powerful built-in ClusterRoles by name.
	CapBindRoles
	CapBindClusterRoles
	// CapWriteRoleBindings and CapWriteClusterRoleBindings: create, update
	// or patch bindings.
	CapWriteRoleBindings
	CapWriteClusterRoleBindings
	// CapImpersonateUsers, CapImpersonateGroups: impersonate any user or
	// group. CapImpersonateMasters: impersonate group system:masters (by
	// name or through the former).
	CapImpersonateUsers
	CapImpersonateGroups
	CapImpersonateMasters
	// CapImpersonateServiceAccounts: impersonate service accounts.
	CapImpersonateServiceAccounts
	// CapMintTokens: create serviceaccounts/token.
	CapMintTokens
	// CapNodeProxy: get or create nodes/proxy, the kubelet API (exec in
	// any pod on the node, bypassing admission and audit of the pod).
	CapNodeProxy
	// CapApproveCSR: update or patch certificatesigningrequests/approval.
	CapApproveCSR
	// CapSignClientCerts: approve on signers for the
	// kubernetes.io/kube-apiserver-client signer (by name or kubernetes.io/*).
	CapSignClientCerts
	// CapMutatingAdmission: create, update or patch mutating webhook
	// configurations or mutating admission policies.
	CapMutatingAdmission
	// CapAdmission: any write (delete included) to admission webhook
	// configurations or admission policies and their bindings.
	CapAdmission
)

// clusterOnly are capabilities on cluster-scoped resources, which a
// RoleBinding never grants.
const clusterOnly = CapEscalateClusterRoles | CapWriteClusterRoles | CapWriteClusterRoleBindings |
	CapImpersonateUsers | CapImpersonateGroups | CapImpersonateMasters | CapNodeProxy |
	CapApproveCSR | CapSignClientCerts | CapMutatingAdmission | CapAdmission

type probe struct {
	cap  Cap
	reqs []Request
}

func reqs(verbs []string, group string, resources ...string) []Request {
	var out []Request
	for _, v := range verbs {
		for _, r := range resources {
			res, sub, _ := strings.Cut(r, "/")
			out = append(out, Request{Verb: v, APIGroup: group, Resource: res, Subresource: sub})
		}
	}
	return out
}

func named(rs []Request, names ...string) []Request {
	var out []Request
	for _, r := range rs {
		for _, n := range names {
			r.Name = n
			out = append(out, r)
		}
	}
	return out
}

func cat(rss ...[]Request) []Request {
	var out []Request
	for _, rs := range rss {
		out = append(out, rs...)
	}
	return out
}

var (
	writeOnly  = []string{"create", "update", "patch"}
	allWrites  = []string{"create", "update", "patch", "delete", "deletecollection"}
	rbacGroup  = "rbac.authorization.k8s.io"
	admGroup   = "admissionregistration.k8s.io"
	certsGroup = "certificates.k8s.io"
	// powerfulClusterRoles are bound by name in bind rules that look
	// narrow but hand out everything.
	powerfulClusterRoles = []string{"cluster-admin", "admin", "edit"}
)

var probes = []probe{
	{CapReadSecrets, reqs([]string{"get", "list", "watch"}, "", "secrets")},
	{CapCreateSecrets, reqs([]string{"create"}, "", "secrets")},
	{CapCreateWorkloads, cat(
		reqs([]string{"create"}, "", "pods"),
		reqs(writeOnly, "", "replicationcontrollers"),
		reqs(writeOnly, "apps", "deployments", "daemonsets", "statefulsets", "replicasets"),
		reqs(writeOnly, "batch", "jobs", "cronjobs"),
		reqs(writeOnly, "extensions", "deployments", "daemonsets", "replicasets"),
	)},
	{CapPatchPods, reqs([]string{"update", "patch"}, "", "pods")},
	{CapExec, reqs([]string{"create", "get"}, "", "pods/exec", "pods/attach")},
	{CapPortForward, reqs([]string{"create", "get"}, "", "pods/portforward")},
	{CapEphemeral, reqs([]string{"update", "patch"}, "", "pods/ephemeralcontainers")},
	{CapEscalateRoles, reqs([]string{"escalate"}, rbacGroup, "roles")},
	{CapEscalateClusterRoles, reqs([]string{"escalate"}, rbacGroup, "clusterroles")},
	{CapWriteRoles, reqs(writeOnly, rbacGroup, "roles")},
	{CapWriteClusterRoles, reqs(writeOnly, rbacGroup, "clusterroles")},
	{CapBindRoles, reqs([]string{"bind"}, rbacGroup, "roles")},
	{CapBindClusterRoles, cat(reqs([]string{"bind"}, rbacGroup, "clusterroles"), named(reqs([]string{"bind"}, rbacGroup, "clusterroles"), powerfulClusterRoles...))},
	{CapWriteRoleBindings, reqs(writeOnly, rbacGroup, "rolebindings")},
	{CapWriteClusterRoleBindings, reqs(writeOnly, rbacGroup, "clusterrolebindings")},
	{CapImpersonateUsers, reqs([]string{"impersonate"}, "", "users")},
	{CapImpersonateGroups, reqs([]string{"impersonate"}, "", "groups")},
	{CapImpersonateMasters, named(reqs([]string{"impersonate"}, "", "groups"), GroupMasters)},
	{CapImpersonateServiceAccounts, reqs([]string{"impersonate"}, "", "serviceaccounts")},
	{CapMintTokens, reqs([]string{"create"}, "", "serviceaccounts/token")},
	{CapNodeProxy, reqs([]string{"get", "create"}, "", "nodes/proxy")},
	{CapApproveCSR, reqs([]string{"update", "patch"}, certsGroup, "certificatesigningrequests/approval")},
	{CapSignClientCerts, named(reqs([]string{"approve"}, certsGroup, "signers"), "kubernetes.io/kube-apiserver-client", "kubernetes.io/*")},
	{CapMutatingAdmission, reqs(writeOnly, admGroup, "mutatingwebhookconfigurations", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings")},
	{CapAdmission, reqs(allWrites, admGroup, "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
		"mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "validatingadmissionpolicies", "validatingadmissionpolicybindings")},
}

func capsOf(rule *rbacv1.PolicyRule) Cap {
	var c Cap
	if IsFullWildcard(rule) {
		c |= CapFullWildcard
	} else if HasWildcard(rule) {
		c |= CapWildcard
	}
	if len(rule.Resources) == 0 {
		return c
	}
	for _, p := range probes {
		for _, r := range p.reqs {
			if RuleAllows(rule, r) {
				c |= p.cap
				break
			}
		}
	}
	return c
}

// effectiveCaps are the rule's capabilities as granted by binding b: a
// RoleBinding drops those on cluster-scoped resources.
func effectiveCaps(rr *RoleRule, b *Binding) Cap {
	if b.Kind == kindRoleBinding {
		return rr.caps &^ clusterOnly
	}
	return rr.caps
}

// Caps returns the capabilities the grant gives.
func (g Grant) Caps() Cap { return effectiveCaps(g.Rule, g.Binding) }

// Risk is a dangerous right a binding gives a subject. Each is one check.
type Risk int

const (
	// RiskFullAccess: every verb on every resource (cluster-admin
	// cluster-wide; full control of the namespace through a RoleBinding).
	RiskFullAccess Risk = iota
	// RiskWildcard: "*" verbs or resources, which also grant whatever is
	// added to the API later.
	RiskWildcard
	RiskReadSecrets
	// RiskEscalate: escalate with write on roles, or bind with write on
	// bindings: the subject can give itself any right in scope.
	RiskEscalate
	RiskImpersonate
	RiskExec
	// RiskWorkloads: create pods or controllers (run as any ServiceAccount
	// of the namespace, mount any of its Secrets) or change running pods.
	RiskWorkloads
	RiskNodeProxy
	RiskMintTokens
	// RiskApproveCSR: approve CSRs for the kube-apiserver-client signer:
	// a client certificate for any user or group.
	RiskApproveCSR
	RiskAdmission
	RiskEphemeral
	RiskPortForward
	numRisks
)

var riskText = [numRisks]string{
	RiskFullAccess:  "full access (every verb on every resource)",
	RiskWildcard:    "wildcard verbs or resources",
	RiskReadSecrets: "read Secrets",
	RiskEscalate:    "grant itself any right (escalate or bind)",
	RiskImpersonate: "impersonate other identities",
	RiskExec:        "exec or attach into pods",
	RiskWorkloads:   "create or change pods and pod controllers",
	RiskNodeProxy:   "reach the kubelet API through nodes/proxy (exec into any pod on the node)",
	RiskMintTokens:  "request tokens for service accounts (serviceaccounts/token)",
	RiskApproveCSR:  "approve client certificates for any user or group",
	RiskAdmission:   "change admission webhooks and policies",
	RiskEphemeral:   "add ephemeral containers to running pods",
	RiskPortForward: "port-forward into pods",
}

func (r Risk) String() string {
	if r < 0 || r >= numRisks {
		return fmt.Sprintf("risk(%d)", int(r))
	}
	return riskText[r]
}

// riskCaps maps each simple risk to the capabilities that give it.
var riskCaps = [numRisks]Cap{
	RiskWildcard:    CapWildcard,
	RiskReadSecrets: CapReadSecrets,
	RiskImpersonate: CapImpersonateUsers | CapImpersonateGroups | CapImpersonateMasters | CapImpersonateServiceAccounts,
	RiskExec:        CapExec,
	RiskWorkloads:   CapCreateWorkloads | CapPatchPods,
	RiskNodeProxy:   CapNodeProxy,
	RiskMintTokens:  CapMintTokens,
	RiskAdmission:   CapAdmission,
	RiskEphemeral:   CapEphemeral,
	RiskPortForward: CapPortForward,
}

// RiskGrant is one risk a binding gives one of its subjects: the rules of
// the binding's role that give it and, for rights that need a second one
// (escalate needs write on roles, bind needs write on bindings, approving
// CSRs needs a signer), the grant that completes it, possibly through
// another binding.
type RiskGrant struct {
	Risk      Risk
	Grants    []Grant
	Companion *Grant
}

// Risks returns what binding b gives its i-th subject, one entry per risk
// in Risk order. A full-wildcard rule is reported as RiskFullAccess only:
// every other risk follows from it. Cluster-scoped rights granted through
// a RoleBinding are not rights and are not reported.
func (m *Model) Risks(b *Binding, i int) []RiskGrant { return m.risks[subjectBinding{b, i}] }

func (m *Model) bindingRisks(b *Binding, i int) []RiskGrant {
	if b.Role == nil {
		return nil
	}
	var by [numRisks]*RiskGrant
	add := func(r Risk, g Grant, companion *Grant) {
		if by[r] == nil {
			by[r] = &RiskGrant{Risk: r, Companion: companion}
		}
		by[r].Grants = append(by[r].Grants, g)
	}
	subj := b.Subject(i)
	scope := b.Scope()
	for _, rr := range b.Role.effective {
		g := Grant{Binding: b, Subject: i, Rule: rr}
		c := effectiveCaps(rr, b)
		if c&CapFullWildcard != 0 {
			add(RiskFullAccess, g, nil)
			continue
		}
		for r := range numRisks {
			if riskCaps[r] != 0 && c&riskCaps[r] != 0 {
				add(r, g, nil)
			}
		}
		if comp := m.escalationCompanion(subj, scope, c); comp != nil {
			add(RiskEscalate, g, comp)
		}
		if c&CapApproveCSR != 0 {
			if comp := m.first(subj, Scope{Cluster: true}, CapSignClientCerts); comp != nil {
				add(RiskApproveCSR, g, comp)
			}
		}
	}
	var out []RiskGrant
	for _, rg := range by {
		if rg != nil {
			out = append(out, *rg)
		}
	}
	return out
}

// escalationCompanion returns the grant that makes escalate or bind in c
// usable: write on roles for escalate on roles, write on ClusterRoles for
// escalate on ClusterRoles, write on bindings for bind.
func (m *Model) escalationCompanion(s Subject, scope Scope, c Cap) *Grant {
	if c&CapEscalateClusterRoles != 0 && scope.Cluster {
		if g := m.first(s, scope, CapWriteClusterRoles); g != nil {
			return g
		}
	}
	if c&CapEscalateRoles != 0 {
		if g := m.first(s, scope, CapWriteRoles); g != nil {
			return g
		}
	}
	if c&(CapBindRoles|CapBindClusterRoles) != 0 {
		need := CapWriteRoleBindings
		if scope.Cluster && c&CapBindClusterRoles != 0 {
			need |= CapWriteClusterRoleBindings
		}
		if g := m.first(s, scope, need); g != nil {
			return g
		}
	}
	return nil
}

// first returns the subject's first grant (in index order) in a scope
// covering scope with any of caps.
func (m *Model) first(s Subject, scope Scope, c Cap) *Grant {
	for _, k := range s.identities(nil) {
		for _, sb := range m.bySubject[k] {
			if !sb.b.Scope().Covers(scope) {
				continue
			}
			for _, rr := range sb.b.Role.effective {
				if effectiveCaps(rr, sb.b)&c != 0 {
					return &Grant{Binding: sb.b, Subject: sb.i, Rule: rr}
				}
			}
		}
	}
	return nil
}

// RuleRisk is what one rule of a role would give whoever is bound to it.
type RuleRisk struct {
	Rule  *RoleRule
	Risks []Risk
}

// RoleRisks judges a role's own rules in isolation, as if bound: a
// ClusterRole cluster-wide, a Role in its namespace. escalate and bind
// count without their companion write. It is for roles nobody is bound to;
// bound roles are judged through their bindings (Risks).
func RoleRisks(r *Role) []RuleRisk {
	var out []RuleRisk
	for _, rr := range r.own {
		c := rr.caps
		if r.Kind == kindRole {
			c &^= clusterOnly
		}
		var risks []Risk
		if c&CapFullWildcard != 0 {
			risks = append(risks, RiskFullAccess)
		} else {
			for k := range numRisks {
				switch {
				case riskCaps[k] != 0 && c&riskCaps[k] != 0,
					k == RiskEscalate && c&(CapEscalateRoles|CapEscalateClusterRoles|CapBindRoles|CapBindClusterRoles) != 0,
					k == RiskApproveCSR && c&CapApproveCSR != 0:
					risks = append(risks, k)
				}
			}
		}
		if len(risks) > 0 {
			out = append(out, RuleRisk{Rule: rr, Risks: risks})
		}
	}
	return out
}

// Used reports whether a role gives anyone anything: a binding references
// it, or it is aggregated into a ClusterRole that is used or built in
// (admin, edit and view are bound in every real cluster, even when the
// scanned manifests do not show it).
func (r *Role) Used() bool { return r.used(map[*Role]bool{}) }

func (r *Role) used(seen map[*Role]bool) bool {
	if seen[r] {
		return false
	}
	seen[r] = true
	if r.sameAs != nil {
		return r.sameAs.used(seen)
	}
	if len(r.boundBy) > 0 {
		return true
	}
	for _, into := range r.aggregatedInto {
		if into.Bootstrap() || into.used(seen) {
			return true
		}
	}
	return false
}
