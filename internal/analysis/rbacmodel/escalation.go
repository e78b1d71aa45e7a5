package rbacmodel

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Escalation: can a subject become cluster-admin?
//
// The graph's nodes are subjects; a subject that holds every verb on every
// resource cluster-wide is cluster-admin (distance 0). Edges are rights
// that let a subject act as another one or straight as cluster-admin:
//
//   - run as any ServiceAccount of a namespace: create pods or pod
//     controllers, request tokens (serviceaccounts/token), impersonate
//     service accounts, full access to the namespace, bind any role in it
//     (bind + write rolebindings), escalate a Role it is bound to, create a
//     token Secret and read it back, or (cluster-wide) register a mutating
//     admission webhook that rewrites pods;
//   - take over the ServiceAccount of a running pod that mounts its token:
//     exec/attach, ephemeral containers, changing a pod's image, or the
//     kubelet API through nodes/proxy;
//   - read the legacy token Secret of a ServiceAccount (type
//     kubernetes.io/service-account-token in the inventory);
//   - impersonate any user (then every User subject of a binding);
//   - straight to cluster-admin: bind cluster-admin in a
//     ClusterRoleBinding, escalate a ClusterRole it is bound to,
//     impersonate group system:masters, approve a client certificate for
//     system:masters.
//
// Shortest chains are found by relaxing distances to a fixed point; ties
// go to the first edge in binding order, so chains are deterministic.

type edgeKind int

const (
	edgeAdmin  edgeKind = iota // straight to cluster-admin
	edgeRunAs                  // run as any ServiceAccount in scope
	edgePods                   // take over running pods in scope that mount a token
	edgeTokens                 // read the token Secrets of given ServiceAccounts
	edgeUsers                  // impersonate any user
)

type edge struct {
	rank      int // preference among edges of equal length
	kind      edgeKind
	scope     Scope
	action    string
	grant     Grant
	companion *Grant
	targets   []*node  // edgeTokens
	secrets   []string // edgeTokens: the Secret read for each target
}

type node struct {
	s         Subject
	admin     *Grant // the subject itself holds cluster-admin through this
	edges     []edge
	workloads []*Workload // workloads that run as it with a mounted token
	dist      int         // steps to cluster-admin, -1 when none found
	via       int         // index of the first step's edge
	next      *node       // subject the first step leads to; nil for edgeAdmin
}

type escalation struct {
	nodes    map[key]*node
	order    []*node
	saByNS   map[string][]*node
	podsByNS map[string][]*node
	users    []*node
	sas      []*node
	pods     []*node
}

func (m *Model) buildEscalation() *escalation {
	e := &escalation{nodes: map[key]*node{}, saByNS: map[string][]*node{}, podsByNS: map[string][]*node{}}
	for _, s := range m.Subjects() {
		e.node(s)
	}
	for _, w := range m.Workloads {
		n := e.node(ServiceAccount(w.Namespace, w.ServiceAccount))
		if w.TokenMounted {
			if len(n.workloads) == 0 {
				e.podsByNS[w.Namespace] = append(e.podsByNS[w.Namespace], n)
				e.pods = append(e.pods, n)
			}
			n.workloads = append(n.workloads, w)
		}
	}
	for _, t := range m.secrets {
		e.node(ServiceAccount(t.namespace, t.sa))
	}
	for _, n := range e.order {
		n.admin, n.edges = m.edgesFor(e, n.s, nil)
		if n.admin != nil {
			n.dist = 0
		}
	}
	e.relax()
	return e
}

func (e *escalation) node(s Subject) *node {
	if n, ok := e.nodes[s.key()]; ok {
		return n
	}
	n := &node{s: s, dist: -1}
	e.nodes[s.key()] = n
	e.order = append(e.order, n)
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		e.saByNS[s.Namespace] = append(e.saByNS[s.Namespace], n)
		e.sas = append(e.sas, n)
	case rbacv1.UserKind:
		e.users = append(e.users, n)
	}
	return n
}

// edgesFor derives the subject's escalation edges from its grants. It
// returns the grant that makes it cluster-admin, if any.
func (m *Model) edgesFor(e *escalation, s Subject, extraGroups []string) (*Grant, []edge) {
	grants := m.Grants(s, extraGroups...)
	var admin *Grant
	var edges []edge
	seen := map[string]int{}
	// add records an edge once per (kind, scope, action), keeping the
	// first grant in binding order. Its rank is the order of the calls
	// below: chains prefer the plainest step (create pods before minting
	// tokens before impersonation ...).
	add := func(rank int, kind edgeKind, scope Scope, action string, g Grant, comp *Grant) *edge {
		k := fmt.Sprint(kind, scope, action)
		if i, ok := seen[k]; ok {
			return &edges[i]
		}
		seen[k] = len(edges)
		edges = append(edges, edge{rank: rank, kind: kind, scope: scope, action: action, grant: g, companion: comp})
		return &edges[len(edges)-1]
	}
	firstIn := func(scope Scope, c Cap) *Grant {
		for i := range grants {
			if grants[i].Scope().Covers(scope) && grants[i].Caps()&c != 0 {
				return &grants[i]
			}
		}
		return nil
	}
	cluster := Scope{Cluster: true}
	for _, g := range grants {
		c, sc := g.Caps(), g.Scope()
		if c&CapFullWildcard != 0 {
			if sc.Cluster {
				if admin == nil {
					admin = &g
				}
				continue
			}
			add(0, edgeRunAs, sc, "has full access", g, nil)
			continue
		}
		if c&CapCreateWorkloads != 0 {
			add(1, edgeRunAs, sc, "can create pods or pod controllers", g, nil)
		}
		if c&CapMintTokens != 0 {
			add(2, edgeRunAs, sc, "can request tokens (serviceaccounts/token)", g, nil)
		}
		if c&CapImpersonateServiceAccounts != 0 {
			add(3, edgeRunAs, sc, "can impersonate service accounts", g, nil)
		}
		if c&(CapBindRoles|CapBindClusterRoles) != 0 {
			if comp := firstIn(cluster, CapWriteClusterRoleBindings); sc.Cluster && c&CapBindClusterRoles != 0 && comp != nil {
				add(4, edgeAdmin, cluster, "can bind ClusterRole cluster-admin in a ClusterRoleBinding (bind + write clusterrolebindings)", g, comp)
			} else if comp := firstIn(sc, CapWriteRoleBindings); comp != nil {
				add(5, edgeRunAs, sc, "can bind any role to itself (bind + write rolebindings), then run pods", g, comp)
			}
		}
		if c&CapEscalateClusterRoles != 0 && sc.Cluster {
			if comp := firstIn(cluster, CapWriteClusterRoles); comp != nil {
				add(6, edgeAdmin, cluster, "can add every right to a ClusterRole bound to it (escalate + write clusterroles)", g, comp)
			}
		}
		if c&CapEscalateRoles != 0 && m.boundToRole(s, extraGroups, sc) {
			if comp := firstIn(sc, CapWriteRoles); comp != nil {
				add(7, edgeRunAs, sc, "can add every right to a Role bound to it (escalate + write roles), then run pods", g, comp)
			}
		}
		if c&CapCreateSecrets != 0 {
			if comp := firstIn(sc, CapReadSecrets); comp != nil {
				add(8, edgeRunAs, sc, "can create a service-account token Secret and read it back", g, comp)
			}
		}
		if c&CapExec != 0 {
			add(9, edgePods, sc, "can exec or attach into pods", g, nil)
		}
		if c&CapEphemeral != 0 {
			add(10, edgePods, sc, "can add ephemeral containers to pods", g, nil)
		}
		if c&CapPatchPods != 0 {
			add(11, edgePods, sc, "can change the images of running pods", g, nil)
		}
		if c&CapNodeProxy != 0 {
			add(12, edgePods, cluster, "can exec into any pod through the kubelet API (nodes/proxy)", g, nil)
		}
		if c&CapMutatingAdmission != 0 {
			add(13, edgeRunAs, cluster, "can register a mutating admission webhook that rewrites pods", g, nil)
		}
		if c&(CapImpersonateMasters|CapImpersonateGroups) != 0 {
			add(14, edgeAdmin, cluster, "can impersonate group system:masters", g, nil)
		}
		if c&CapImpersonateUsers != 0 {
			add(15, edgeUsers, cluster, "can impersonate any user", g, nil)
		}
		if c&CapApproveCSR != 0 {
			if comp := firstIn(cluster, CapSignClientCerts); comp != nil {
				add(16, edgeAdmin, cluster, "can approve a client certificate for group system:masters (certificatesigningrequests/approval + approve on the kube-apiserver-client signer)", g, comp)
			}
		}
		// Token Secrets: all of them in scope with read access, or the
		// named ones a resourceNames rule allows.
		for _, t := range m.secrets {
			if !sc.Covers(Scope{Namespace: t.namespace}) {
				continue
			}
			if c&CapReadSecrets == 0 && !RuleAllows(g.Rule.Rule, Request{Verb: "get", Resource: "secrets", Name: t.name}) {
				continue
			}
			// Every token Secret's account is a node (buildEscalation adds
			// them first), so this only reads the graph: Escalation may
			// run from many checks at once.
			to := e.nodes[ServiceAccount(t.namespace, t.sa).key()]
			ed := add(17, edgeTokens, sc, "can read Secrets", g, nil)
			ed.targets = append(ed.targets, to)
			ed.secrets = append(ed.secrets, nsName(t.namespace, t.name))
		}
	}
	// Straight-to-admin edges first: at equal length they make the
	// shorter story.
	slices.SortStableFunc(edges, func(a, b edge) int {
		if (a.kind == edgeAdmin) != (b.kind == edgeAdmin) {
			if a.kind == edgeAdmin {
				return -1
			}
			return 1
		}
		return a.rank - b.rank
	})
	return admin, edges
}

// boundToRole reports whether s holds a Role (not a ClusterRole) through a
// RoleBinding in scope: escalate lets it add any right to that Role.
func (m *Model) boundToRole(s Subject, extraGroups []string, scope Scope) bool {
	for _, sb := range m.subjectBindings(s, extraGroups) {
		if sb.b.Kind == kindRoleBinding && sb.b.Role.Kind == kindRole && scope.Covers(sb.b.Scope()) {
			return true
		}
	}
	return false
}

// best keeps the two nearest nodes of a set so that a node can pick the
// nearest other than itself.
type best struct{ a, b *node }

func (bt *best) offer(n *node) {
	switch {
	case n.dist < 0:
	case bt.a == nil || n.dist < bt.a.dist:
		bt.b, bt.a = bt.a, n
	case bt.b == nil || n.dist < bt.b.dist:
		bt.b = n
	}
}

func (bt *best) pick(self *node) *node {
	if bt.a != self {
		return bt.a
	}
	return bt.b
}

type bests struct {
	saNS, podsNS    map[string]*best
	sa, pods, users best
}

func (e *escalation) snapshot() *bests {
	b := &bests{saNS: map[string]*best{}, podsNS: map[string]*best{}}
	for ns, ns2 := range e.saByNS {
		bt := &best{}
		for _, n := range ns2 {
			bt.offer(n)
			b.sa.offer(n)
		}
		b.saNS[ns] = bt
	}
	for ns, ns2 := range e.podsByNS {
		bt := &best{}
		for _, n := range ns2 {
			bt.offer(n)
			b.pods.offer(n)
		}
		b.podsNS[ns] = bt
	}
	for _, n := range e.users {
		b.users.offer(n)
	}
	return b
}

// target returns the nearest node an edge leads to (nil when none is
// known to reach cluster-admin) and whether the edge leads straight to
// cluster-admin.
func (b *bests) target(n *node, ed *edge) (*node, bool) {
	pickIn := func(all *best, byNS map[string]*best) *node {
		if ed.scope.Cluster {
			return all.pick(n)
		}
		if bt := byNS[ed.scope.Namespace]; bt != nil {
			return bt.pick(n)
		}
		return nil
	}
	switch ed.kind {
	case edgeAdmin:
		return nil, true
	case edgeRunAs:
		return pickIn(&b.sa, b.saNS), false
	case edgePods:
		return pickIn(&b.pods, b.podsNS), false
	case edgeUsers:
		return b.users.pick(n), false
	case edgeTokens:
		var to *node
		for _, t := range ed.targets {
			if t != n && t.dist >= 0 && (to == nil || t.dist < to.dist) {
				to = t
			}
		}
		return to, false
	}
	return nil, false
}

func (e *escalation) relax() {
	for changed, rounds := true, 0; changed && rounds <= len(e.order)+1; rounds++ {
		changed = false
		b := e.snapshot()
		for _, n := range e.order {
			if n.admin != nil {
				continue
			}
			for i := range n.edges {
				to, direct := b.target(n, &n.edges[i])
				d := 1
				switch {
				case direct:
				case to != nil:
					d = to.dist + 1
				default:
					continue
				}
				if n.dist < 0 || d < n.dist {
					n.dist, n.via, n.next = d, i, to
					changed = true
				}
			}
		}
	}
	// Distances are settled; among the edges of shortest length take the
	// first in rank order, so that chains do not depend on the order in
	// which distances were found.
	b := e.snapshot()
	for _, n := range e.order {
		if n.admin == nil && n.dist > 0 {
			n.via, n.next = firstShortest(b, n)
		}
	}
}

func firstShortest(b *bests, n *node) (int, *node) {
	for i := range n.edges {
		to, direct := b.target(n, &n.edges[i])
		if direct && n.dist == 1 || to != nil && to.dist+1 == n.dist {
			return i, to
		}
	}
	return n.via, n.next
}

// Step is one move on a chain to cluster-admin.
type Step struct {
	From Subject
	// Action says what From can do, e.g. "can create pods or pod
	// controllers in namespace pets".
	Action string
	// To is the subject the step makes From act as; nil when the step
	// reaches cluster-admin (or From already holds it).
	To *Subject
	// Via names what the step goes through when it is not the grant
	// itself: the pod taken over or the Secret read.
	Via string
	// Grant is the rule that allows the step; Companion the second rule
	// some steps need.
	Grant     Grant
	Companion *Grant
	// Admin marks the last step: From holds cluster-admin through Grant.
	Admin bool
}

func (s Step) String() string {
	var sb strings.Builder
	sb.WriteString(s.From.String())
	if s.Admin {
		sb.WriteString(" holds cluster-admin")
	} else {
		sb.WriteString(" ")
		sb.WriteString(s.Action)
		switch {
		case s.To != nil && s.Via != "":
			fmt.Fprintf(&sb, " (%s) and so acts as %s", s.Via, s.To)
		case s.To != nil:
			fmt.Fprintf(&sb, " and so acts as %s", s.To)
		default:
			sb.WriteString(", which is cluster-admin")
		}
	}
	sb.WriteString(" [")
	sb.WriteString(s.Grant.Path())
	if s.Companion != nil && s.Companion.Rule != s.Grant.Rule {
		sb.WriteString("; with ")
		sb.WriteString(s.Companion.Path())
	}
	sb.WriteString("]")
	return sb.String()
}

// Chain is a shortest sequence of steps from a subject to cluster-admin.
type Chain []Step

// String numbers the steps: "(1) …; (2) …".
func (c Chain) String() string {
	parts := make([]string, len(c))
	for i, s := range c {
		parts[i] = fmt.Sprintf("(%d) %s", i+1, s)
	}
	return strings.Join(parts, "; ")
}

// Escalation returns a shortest chain by which s reaches cluster-admin,
// nil when none is found. A subject that holds cluster-admin itself gets a
// one-step chain saying so. extraGroups are groups the caller knows a user
// to be in.
func (m *Model) Escalation(s Subject, extraGroups ...string) Chain {
	e := m.esc
	n, ok := e.nodes[s.key()]
	if !ok || len(extraGroups) > 0 {
		// A subject the graph does not hold: evaluate its edges against
		// the settled graph.
		n = &node{s: s, dist: -1}
		n.admin, n.edges = m.edgesFor(e, s, extraGroups)
		b := e.snapshot()
		if n.admin != nil {
			n.dist = 0
		}
		for i := range n.edges {
			if n.admin != nil {
				break
			}
			to, direct := b.target(n, &n.edges[i])
			d := 1
			if !direct {
				if to == nil {
					continue
				}
				d = to.dist + 1
			}
			if n.dist < 0 || d < n.dist {
				n.dist, n.via, n.next = d, i, to
			}
		}
		if n.dist > 0 {
			n.via, n.next = firstShortest(b, n)
		}
	}
	if n.dist < 0 {
		return nil
	}
	var chain Chain
	for hop := 0; n != nil && hop <= len(e.order)+1; hop++ {
		if n.admin != nil {
			chain = append(chain, Step{From: n.s, Grant: *n.admin, Admin: true})
			break
		}
		ed := n.edges[n.via]
		st := Step{From: n.s, Action: ed.action + " " + ed.scope.String(), Grant: ed.grant, Companion: ed.companion}
		if ed.kind == edgeAdmin || ed.kind == edgeUsers {
			st.Action = ed.action
		}
		if n.next != nil {
			to := n.next.s
			st.To = &to
			st.Via = via(&ed, n.next)
		}
		chain = append(chain, st)
		n = n.next
	}
	return chain
}

// via names the pod or Secret a step goes through.
func via(ed *edge, to *node) string {
	switch ed.kind {
	case edgePods:
		for _, w := range to.workloads {
			if ed.scope.Covers(Scope{Namespace: w.Namespace}) {
				return fmt.Sprintf("%s %s mounts its token", w.Object.Kind, nsName(w.Namespace, w.Object.Meta.Name))
			}
		}
	case edgeTokens:
		for i, t := range ed.targets {
			if t == to {
				return "Secret " + ed.secrets[i] + " holds its token"
			}
		}
	}
	return ""
}
