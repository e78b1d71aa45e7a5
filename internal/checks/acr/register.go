package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// def is a registry check: metadata, what it reads, evaluation.
type def struct {
	check.Meta
	Reads []string
	Eval  func(g *aksmodel.Registry, r *check.Report)
}

// register declares the check with area "acr"; a read that falls in a
// gap of the input leaves the registry not assessed by it.
func register(d def) {
	d.Area = "acr"
	d.Kinds = []string{aksmodel.KindRegistry}
	d.Sources = []check.Source{check.Azure}
	d.Fields = d.Reads
	reads, eval := d.Reads, d.Eval
	check.Register(&check.Check{Meta: d.Meta, Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
		g, ok := obj.Typed.(*aksmodel.Registry)
		if !ok || aksmodel.ClusterBlocked(g.Gaps, reads) {
			return
		}
		eval(g, r)
	}})
}

// status reads a policy's status string ("enabled"/"disabled").
func status[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}
