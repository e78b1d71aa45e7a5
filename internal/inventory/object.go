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
	// pos is the layout of the object's YAML, kept so that field paths can
	// be turned into lines when a finding needs one.
	pos *positions
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
	return &Object{TypeMeta: tm, Meta: meta, Typed: typed, Loc: loc, pos: indexPositions(node)}
}

// ReleasePositions drops the object's YAML layout: Locate then answers
// with the object's own position.
func (o *Object) ReleasePositions() { o.pos = nil }

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
	if o.pos == nil || path == "" {
		return loc
	}
	if line, col, ok := o.pos.locate(path); ok {
		loc.Line, loc.Column = line, col
	}
	return loc
}
