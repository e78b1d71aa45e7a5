package inventory

import (
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// Inventory is everything one run looks at. It is built once by the sources
// and then only read, so checks may share it across goroutines.
type Inventory struct {
	Objects []*Object

	byKind map[string][]*Object
	sas    map[nsName]*corev1.ServiceAccount
	saNS   map[string]int // ServiceAccounts per namespace

	derived sync.Map // key -> *derivedValue
}

type derivedValue struct {
	once sync.Once
	v    any
}

// Derived returns build(inv), computed once per inventory and key and then
// shared. Checks that reason across objects (RBAC, network policies) use it
// to build their model once instead of once per object. build must be pure.
func (inv *Inventory) Derived(key any, build func(*Inventory) any) any {
	dv, _ := inv.derived.LoadOrStore(key, &derivedValue{})
	d := dv.(*derivedValue)
	d.once.Do(func() { d.v = build(inv) })
	return d.v
}

type nsName struct{ ns, name string }

// New indexes objects for the lookups checks make.
func New(objs []*Object) *Inventory {
	inv := &Inventory{Objects: objs, byKind: map[string][]*Object{}, sas: map[nsName]*corev1.ServiceAccount{}, saNS: map[string]int{}}
	for _, o := range objs {
		inv.byKind[o.Kind] = append(inv.byKind[o.Kind], o)
		if sa, ok := o.Typed.(*corev1.ServiceAccount); ok {
			k := nsName{sa.Namespace, sa.Name}
			if _, dup := inv.sas[k]; !dup {
				inv.saNS[sa.Namespace]++
			}
			inv.sas[k] = sa
		}
	}
	return inv
}

// OfKind returns the objects of one kind in source order.
func (inv *Inventory) OfKind(kind string) []*Object { return inv.byKind[kind] }

// ServiceAccount looks a ServiceAccount up by namespace and name. Manifests
// often leave the namespace out; an empty namespace matches an account that
// also has none.
func (inv *Inventory) ServiceAccount(namespace, name string) (*corev1.ServiceAccount, bool) {
	sa, ok := inv.sas[nsName{namespace, name}]
	return sa, ok
}

// ServiceAccountsIn is the number of distinct ServiceAccounts the input
// defines in a namespace.
func (inv *Inventory) ServiceAccountsIn(namespace string) int { return inv.saNS[namespace] }

// Kinds lists the kinds present with their counts, sorted by kind.
func (inv *Inventory) Kinds() []KindCount {
	out := make([]KindCount, 0, len(inv.byKind))
	for k, v := range inv.byKind {
		out = append(out, KindCount{Kind: k, Count: len(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// KindCount is one row of Kinds.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// ReleasePositions drops the YAML layouts kept for Locate. Findings carry
// their locations once the checks have run, so a scan calls this before
// deciding and rendering, when memory is at its peak otherwise.
func (inv *Inventory) ReleasePositions() {
	for _, o := range inv.Objects {
		o.ReleasePositions()
	}
}
