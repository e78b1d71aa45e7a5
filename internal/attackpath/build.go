package attackpath

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// Costs of hops. A hop a finding opens costs 1; reaching a workload costs
// 2 when its image has a fixable critical or high vulnerability and 3 when
// the attacker needs a flaw no finding shows.
const (
	costOpen        = 1
	costKnownVuln   = 2
	costUnknownVuln = 3
)

// StepOf returns the attack step a check's findings open; Build takes it
// as a function so tests can declare steps for hand-made findings.
func StepOf(checkID string) check.AttackStep {
	if c, ok := check.Lookup(checkID); ok {
		return c.Attack
	}
	return ""
}

// maxExploitEvidence bounds the vulnerabilities listed on a hop: the
// image's findings list the rest.
const maxExploitEvidence = 3

// builder holds the indexes Build needs.
type builder struct {
	g     *Graph
	inv   *inventory.Inventory
	rbac  *rbacmodel.Model
	step  func(string) check.AttackStep
	byKey map[string]*inventory.Object
	// exploits are the fixable critical and high vulnerability findings
	// of the images each workload runs, by workload subject.
	exploits map[string][]report.AttackEvidence
	// kubelet is the kubelet identity node of the one AKS cluster in the
	// input, "" when there is none or more than one.
	kubelet string
	cluster *aksmodel.Cluster
}

// Build makes the attack graph of a run: inv holds every object the run
// read (Kubernetes objects, AKS clusters and registries, images), findings
// are the run's findings, step says which hop a check's findings open
// (StepOf).
func Build(inv *inventory.Inventory, findings []report.Finding, step func(string) check.AttackStep) *Graph {
	b := &builder{g: New(), inv: inv, step: step, byKey: make(map[string]*inventory.Object, len(inv.Objects)), exploits: map[string][]report.AttackEvidence{}}
	for _, o := range inv.Objects {
		b.byKey[subjectOf(o).String()] = o
	}
	if cs := inv.OfKind(aksmodel.KindCluster); len(cs) == 1 {
		if c, ok := cs[0].Typed.(*aksmodel.Cluster); ok {
			b.cluster = c
			b.kubelet = "kubelet-identity/" + c.Name
			b.g.AddNode(Node{ID: b.kubelet, Kind: KindIdentity, Label: "kubelet identity of cluster " + c.Name})
			b.clusterEdges(cs[0], c)
		}
	}
	b.rbac = rbacmodel.For(inv)
	for i := range findings {
		if s := step(findings[i].CheckID); s == check.AttackExploit {
			b.exploit(&findings[i])
		}
	}
	for i := range findings {
		f := &findings[i]
		if s := step(f.CheckID); s != "" && s != check.AttackExploit {
			b.finding(f, s)
		}
	}
	b.ingresses()
	b.services()
	b.jewelEdges()
	return b.g
}

func subjectOf(o *inventory.Object) report.Subject {
	return report.Subject(o.Subject())
}

// evidence is a finding as a hop's evidence.
func evidence(f *report.Finding) report.AttackEvidence {
	return report.AttackEvidence{CheckID: f.CheckID, Fingerprint: f.Fingerprint, Subject: f.Subject, Field: f.Field, Location: f.Location, Message: f.Message}
}

// relation is a field of an object a hop rests on that no finding
// reports.
func relation(o *inventory.Object, field, msg string) report.AttackEvidence {
	return report.AttackEvidence{Subject: subjectOf(o), Field: field, Location: report.Location(o.Locate(field)), Message: msg}
}

func (b *builder) node(o *inventory.Object, kind NodeKind) string {
	s := subjectOf(o)
	id := s.String()
	b.g.AddNode(Node{ID: id, Kind: kind, Label: label(s)})
	return id
}

func label(s report.Subject) string {
	if s.Namespace == "" {
		return s.Kind + " " + s.Name
	}
	return s.Kind + " " + s.Namespace + "/" + s.Name
}

func (b *builder) jewel(j Jewel, id, lbl string) string {
	b.g.AddNode(Node{ID: "jewel:" + id, Kind: KindJewel, Jewel: j, Label: lbl})
	return "jewel:" + id
}

func (b *builder) serviceAccount(ns, name string) string {
	id := "ServiceAccount/" + ns + "/" + name
	b.g.AddNode(Node{ID: id, Kind: KindIdentity, Label: "ServiceAccount " + ns + "/" + name})
	return id
}

// exploit records a vulnerability finding of an image against the
// workloads running it, when the vulnerability has a fix.
func (b *builder) exploit(f *report.Finding) {
	o := b.byKey[f.Subject.String()]
	if o == nil {
		return
	}
	r, ok := o.Typed.(*imagescan.Result)
	if !ok || !slices.ContainsFunc(r.Vulnerabilities, func(v imagescan.Vulnerability) bool { return v.Fixed != "" && v.FieldPath().String() == f.Field }) {
		return
	}
	for _, u := range r.Uses {
		k := report.Subject(u.Subject).String()
		if ev := b.exploits[k]; !slices.ContainsFunc(ev, func(e report.AttackEvidence) bool { return e.Fingerprint == f.Fingerprint }) {
			b.exploits[k] = append(ev, evidence(f))
		}
	}
}

// finding adds the hop f opens.
func (b *builder) finding(f *report.Finding, s check.AttackStep) {
	o := b.byKey[f.Subject.String()]
	if o == nil {
		return
	}
	ev := []report.AttackEvidence{evidence(f)}
	switch s {
	case check.AttackExposed:
		var id string
		switch t := o.Typed.(type) {
		case *aksmodel.Cluster:
			id = b.node(o, KindEntry)
			b.relabel(id, "API server of cluster "+t.Name)
		case *aksmodel.Registry:
			id = b.node(o, KindEntry)
			b.relabel(id, "registry "+t.Name+" endpoint")
		default:
			id = b.node(o, KindEntry)
		}
		b.g.AddEdge(Edge{From: Internet, To: id, Step: string(s), Cost: costOpen, Description: "reachable from the internet", Evidence: ev})
	case check.AttackHost:
		if w := b.workload(o); w != "" {
			b.g.AddEdge(Edge{From: w, To: b.nodeJewel(), Step: string(s), Cost: costOpen, Description: "takes over the node it runs on", Evidence: ev})
		}
	case check.AttackToken:
		if wl, ok := b.rbac.WorkloadOf(o); ok {
			b.g.AddEdge(Edge{From: b.workload(o), To: b.serviceAccount(wl.Namespace, wl.ServiceAccount), Step: string(s), Cost: costOpen,
				Description: "holds the API token of", Evidence: ev})
		}
	case check.AttackCloudIdentity:
		if w := b.workload(o); w != "" {
			b.g.AddEdge(Edge{From: w, To: b.kubeletNode(), Step: string(s), Cost: costOpen, Description: "gets tokens of the node's managed identity", Evidence: ev})
		}
	case check.AttackClusterAdmin, check.AttackSecrets, check.AttackNodes:
		for _, from := range b.rbacSubjects(o, f) {
			to, desc := b.rbacTarget(s, o)
			b.g.AddEdge(Edge{From: from, To: to, Step: string(s), Cost: costOpen, Description: desc, Evidence: ev})
		}
	case check.AttackRegistryWrite:
		if c, ok := o.Typed.(*aksmodel.Cluster); ok && b.cluster == c {
			for _, ra := range c.KubeletRoleAssignments {
				if ra.Path != nil && ra.Path.String() == f.Field {
					name := ra.Scope[strings.LastIndexByte(ra.Scope, '/')+1:]
					b.g.AddEdge(Edge{From: b.kubelet, To: b.jewel(JewelRegistry, "registry/"+strings.ToLower(name), "registry "+name),
						Step: string(s), Cost: costOpen, Description: "can push images to", Evidence: ev})
				}
			}
		}
	case check.AttackRegistryAccess:
		if r, ok := o.Typed.(*aksmodel.Registry); ok {
			id := b.node(o, KindEntry)
			b.relabel(id, "registry "+r.Name+" endpoint")
			b.g.AddEdge(Edge{From: id, To: b.jewel(JewelRegistry, "registry/"+strings.ToLower(r.Name), "registry "+r.Name),
				Step: string(s), Cost: costOpen, Description: "reads or writes repositories without an Entra ID identity", Evidence: ev})
		}
	case check.AttackAPIAccess:
		if c, ok := o.Typed.(*aksmodel.Cluster); ok {
			id := b.node(o, KindEntry)
			b.relabel(id, "API server of cluster "+c.Name)
			b.g.AddEdge(Edge{From: id, To: b.jewel(JewelClusterAdmin, "cluster-admin", "cluster-admin"), Step: string(s), Cost: costOpen,
				Description: "grants cluster-admin without an Entra ID identity", Evidence: ev})
		}
	}
}

func (b *builder) relabel(id, lbl string) {
	if i, ok := b.g.index[id]; ok {
		b.g.nodes[i].Label = lbl
	}
}

// workload returns the workload node of o, "" if o runs no pods.
func (b *builder) workload(o *inventory.Object) string {
	if _, ok := o.PodSpec(); !ok {
		return ""
	}
	return b.node(o, KindWorkload)
}

func (b *builder) nodeJewel() string { return b.jewel(JewelNode, "node", "a node") }

func (b *builder) kubeletNode() string {
	if b.kubelet != "" {
		return b.kubelet
	}
	id := "kubelet-identity"
	b.g.AddNode(Node{ID: id, Kind: KindIdentity, Label: "the node's kubelet identity"})
	return id
}

var subjectIndex = regexp.MustCompile(`^subjects\[(\d+)\]`)

// rbacSubjects are the nodes a finding about rights starts from: the
// ServiceAccount named at the binding subject the finding points at, or
// a workload's own ServiceAccount (K8S-063 style findings on workloads).
func (b *builder) rbacSubjects(o *inventory.Object, f *report.Finding) []string {
	if wl, ok := b.rbac.WorkloadOf(o); ok {
		sa := b.serviceAccount(wl.Namespace, wl.ServiceAccount)
		if wl.TokenMounted {
			b.g.AddEdge(Edge{From: b.workload(o), To: sa, Step: string(check.AttackToken), Cost: costOpen, Description: "holds the API token of",
				Evidence: []report.AttackEvidence{relation(o, wl.SAPath.String(), "the pod mounts the API token of ServiceAccount "+wl.ServiceAccount)}})
		}
		return []string{sa}
	}
	bd, ok := b.rbac.BindingOf(o)
	if !ok {
		return nil
	}
	m := subjectIndex.FindStringSubmatch(f.Field)
	if m == nil {
		return nil
	}
	i, err := strconv.Atoi(m[1])
	if err != nil || i >= len(bd.Subjects) {
		return nil
	}
	s := bd.Subject(i)
	if s.Kind != "ServiceAccount" {
		// Users and groups are reached by stolen credentials, which no
		// hop of this graph models.
		return nil
	}
	return []string{b.serviceAccount(s.Namespace, s.Name)}
}

func (b *builder) rbacTarget(s check.AttackStep, o *inventory.Object) (string, string) {
	switch s {
	case check.AttackClusterAdmin:
		return b.jewel(JewelClusterAdmin, "cluster-admin", "cluster-admin"), "can become"
	case check.AttackNodes:
		return b.nodeJewel(), "runs commands on every node's kubelet"
	}
	if bd, ok := b.rbac.BindingOf(o); ok && bd.Namespace != "" {
		return b.jewel(JewelSecrets, "secrets/"+bd.Namespace, "Secrets of namespace "+bd.Namespace), "can read"
	}
	return b.secretsEverywhere(), "can read"
}

func (b *builder) secretsEverywhere() string {
	return b.jewel(JewelSecrets, "secrets/*", "every Secret of the cluster")
}

// services links each exposed Service to the workloads it selects.
func (b *builder) services() {
	byNS := map[string][]*inventory.Object{}
	for _, o := range b.inv.Objects {
		if _, ok := o.PodSpec(); ok {
			byNS[o.Meta.Namespace] = append(byNS[o.Meta.Namespace], o)
		}
	}
	for _, o := range b.inv.OfKind("Service") {
		id := subjectOf(o).String()
		if _, ok := b.g.index[id]; !ok {
			continue // neither exposed nor behind an Ingress
		}
		svc, ok := o.Typed.(*corev1.Service)
		if !ok || len(svc.Spec.Selector) == 0 {
			continue
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		for _, w := range byNS[o.Meta.Namespace] {
			ps, _ := w.PodSpec()
			if !sel.Matches(labels.Set(ps.Meta.Labels)) {
				continue
			}
			wid := b.workload(w)
			ev := []report.AttackEvidence{relation(o, "spec.selector", fmt.Sprintf("selects the pods of %s %s", w.Kind, w.Meta.Name))}
			cost, desc := costUnknownVuln, "sends traffic to (an attacker needs a flaw in the application)"
			if ex := b.exploits[subjectOf(w).String()]; len(ex) > 0 {
				cost, desc = costKnownVuln, "sends traffic to a workload with a fixable vulnerability"
				ev = append(ev, ex[:min(len(ex), maxExploitEvidence)]...)
			}
			b.g.AddEdge(Edge{From: id, To: wid, Step: "reaches", Cost: cost, Description: desc, Evidence: ev})
		}
	}
}

// ingresses are entry points of their own: an Ingress controller takes
// traffic from outside the cluster and forwards it to the backends.
func (b *builder) ingresses() {
	for _, o := range b.inv.OfKind("Ingress") {
		ing, ok := o.Typed.(*networkingv1.Ingress)
		if !ok {
			continue
		}
		id := b.node(o, KindEntry)
		b.g.AddEdge(Edge{From: Internet, To: id, Step: string(check.AttackExposed), Cost: costOpen, Description: "routes traffic from outside the cluster",
			Evidence: []report.AttackEvidence{relation(o, "spec", "an Ingress takes traffic from outside the cluster")}})
		backend := func(be *networkingv1.IngressBackend, field string) {
			if be == nil || be.Service == nil {
				return
			}
			svc := b.byKey[(report.Subject{Kind: "Service", Namespace: o.Meta.Namespace, Name: be.Service.Name}).String()]
			if svc == nil {
				return
			}
			sid := b.node(svc, KindEntry)
			b.g.AddEdge(Edge{From: id, To: sid, Step: "routes", Cost: costOpen, Description: "forwards to",
				Evidence: []report.AttackEvidence{relation(o, field, "routes to Service "+be.Service.Name)}})
		}
		backend(ing.Spec.DefaultBackend, "spec.defaultBackend")
		for i, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for j := range r.HTTP.Paths {
				backend(&r.HTTP.Paths[j].Backend, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", i, j))
			}
		}
	}
}

// clusterEdges are what the AKS cluster itself says: the node holds the
// kubelet identity; the identity's Azure roles on Key Vaults.
func (b *builder) clusterEdges(o *inventory.Object, c *aksmodel.Cluster) {
	b.g.AddEdge(Edge{From: b.nodeJewel(), To: b.kubelet, Step: "holds", Cost: costOpen, Description: "gets tokens of the kubelet identity from IMDS",
		Evidence: []report.AttackEvidence{relation(o, "properties.identityProfile.kubeletidentity", "every node of cluster "+c.Name+" can use its kubelet identity")}})
	for _, ra := range c.KubeletRoleAssignments {
		if ra.Path == nil || !strings.Contains(strings.ToLower(ra.Scope), "/providers/microsoft.keyvault/vaults/") {
			continue
		}
		name := ra.Scope[strings.LastIndexByte(ra.Scope, '/')+1:]
		b.g.AddEdge(Edge{From: b.kubelet, To: b.jewel(JewelKeyVault, "key-vault/"+strings.ToLower(name), "Key Vault "+name), Step: "key-vault", Cost: costOpen,
			Description: "holds " + ra.Role + " on", Evidence: []report.AttackEvidence{relation(o, ra.Path.String(), "the kubelet identity holds "+ra.Role+" on Key Vault "+name)}})
	}
}

// jewelEdges: cluster-admin reads every Secret.
func (b *builder) jewelEdges() {
	if _, ok := b.g.index["jewel:cluster-admin"]; ok {
		b.g.AddEdge(Edge{From: "jewel:cluster-admin", To: b.secretsEverywhere(), Step: string(check.AttackSecrets), Cost: costOpen, Description: "can read",
			Evidence: []report.AttackEvidence{{Subject: report.Subject{Kind: "ClusterRole", Name: "cluster-admin"}, Message: "cluster-admin may do anything, reading Secrets included"}}})
	}
}
