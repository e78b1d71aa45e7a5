package inventory

import (
	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Object is one Kubernetes object from a source.
type Object struct {
	metav1.TypeMeta
	// Meta is the object's metadata; never nil.
	Meta *metav1.ObjectMeta
	// Typed is the object decoded into its k8s.io/api type (for example
	// *appsv1.Deployment), or nil for kinds Bulwark has no type for.
	Typed any
	// Loc is where the object starts (its first key).
	Loc finding.Location
	// node is the parsed YAML of the object, kept so that field paths can be
	// turned into lines only when a finding needs one.
	node *yaml.Node
	// locator, when set, replaces the YAML walk: sources whose documents do
	// not have the shape of the field paths (flattened `az` output,
	// Terraform plans, live objects) translate paths themselves.
	locator func(path string) finding.Location
}

// SetLocator makes Locate use fn. Sources call it while building objects.
func (o *Object) SetLocator(fn func(path string) finding.Location) { o.locator = fn }

// NewObject ties a decoded object to the YAML it came from. node may be nil
// for objects that did not come from a file.
func NewObject(tm metav1.TypeMeta, meta *metav1.ObjectMeta, typed any, loc finding.Location, node *yaml.Node) *Object {
	if meta == nil {
		meta = &metav1.ObjectMeta{}
	}
	return &Object{TypeMeta: tm, Meta: meta, Typed: typed, Loc: loc, node: node}
}

// Subject names the object in findings.
func (o *Object) Subject() finding.Subject {
	return finding.Subject{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Meta.Namespace, Name: o.Meta.Name}
}

// Group is the API group of the object ("" for core).
func (o *Object) Group() string {
	return o.GroupVersionKind().Group
}

// GroupVersionKind parses the object's apiVersion.
func (o *Object) GroupVersionKind() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
}

// Locate turns a field path such as spec.containers[0].image into a file
// position. When the field itself is absent (a finding about a missing
// setting) it returns the position of the nearest ancestor that exists,
// which is where the user has to add it.
func (o *Object) Locate(path string) finding.Location {
	if o.locator != nil {
		return o.locator(path)
	}
	loc := o.Loc
	if o.node == nil || path == "" {
		return loc
	}
	n := o.node
	for _, seg := range splitPath(path) {
		next, line, col := child(n, seg)
		if next == nil {
			break
		}
		n = next
		loc.Line, loc.Column = line, col
	}
	return loc
}

// child finds seg in n and returns its value node with the position an
// editor should jump to: the key of a mapping entry, the item of a list.
func child(n *yaml.Node, seg pathSegment) (*yaml.Node, int, int) {
	n = deref(n)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return child(n.Content[0], seg)
		}
	case yaml.MappingNode:
		if seg.isIndex {
			return nil, 0, 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Value == seg.key {
				return n.Content[i+1], k.Line, k.Column
			}
		}
	case yaml.SequenceNode:
		if seg.isIndex && seg.index >= 0 && seg.index < len(n.Content) {
			item := n.Content[seg.index]
			return item, item.Line, item.Column
		}
	}
	return nil, 0, 0
}

// deref follows alias nodes. The hop limit guards against alias cycles,
// which a hostile document can build and go-yaml does not reject.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}
