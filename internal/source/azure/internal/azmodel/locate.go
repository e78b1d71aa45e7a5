package azmodel

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Locator turns the ARM-shaped field paths that checks report
// (properties.agentPoolProfiles[1].enableEncryptionAtHost) into positions
// in the input the value came from. Each source fills pm with the
// position of every ARM path it produced: flattened `az` output has no
// "properties" level, templates take values from parameters and copy
// loops, plans use Terraform's attribute names; the mapping is made once,
// when the value is read.
type Locator struct {
	file string
	// Resource is Location.Resource: the ARM id for live objects, the
	// Terraform address for plans.
	Resource string
	// root is where the resource starts, the fallback for paths with no
	// recorded ancestor.
	root Pos
	Pm   *PosIndex
	// mounts hand paths below a prefix to another resource's locator:
	// agentPools[np] → the separate agent pool resource.
	mounts []mount
	// Attr, when set, names the input's own path of a field (Terraform
	// attribute paths) for Location.Resource.
	Attr map[string]string
	// doc, when set, is the position index of the document the resource
	// is in, docAt the resource's node in it; flat says the document is
	// az output, whose properties are at the top level.
	doc   *PosIndex
	docAt int32
	flat  bool
}

type mount struct {
	prefix []string // lower case
	loc    *Locator
}

func NewLocator(file string, root Pos) *Locator {
	return &Locator{file: file, root: root, Pm: NewPosIndex()}
}

// Set records the position of an ARM path given as segments.
func (l *Locator) Set(segs []string, p Pos) {
	l.Pm.set(segs, p)
}

func (l *Locator) mount(prefix []string, sub *Locator) {
	low := make([]string, len(prefix))
	for i, s := range prefix {
		low[i] = strings.ToLower(s)
	}
	l.mounts = append(l.mounts, mount{low, sub})
}

// Locate returns the position of the deepest recorded ancestor of path.
func (l *Locator) Locate(path string) finding.Location {
	segs := splitFieldPath(path)
	for _, m := range l.mounts {
		if len(segs) >= len(m.prefix) && SegKey(segs[:len(m.prefix)]) == strings.Join(m.prefix, "\x1f") {
			return m.loc.Locate(Dotted(segs[len(m.prefix):]))
		}
	}
	loc := finding.Location{File: l.file, Resource: l.Resource, Line: l.root.Line, Column: l.root.Col}
	p, n := l.Pm.deepestPrefix(segs)
	if dp, dn := l.docDeepest(segs); dn > n {
		p, n = dp, dn
	}
	if n > 0 {
		loc.Line, loc.Column = p.Line, p.Col
		if a, ok := l.Attr[SegKey(segs[:n])]; ok && l.Resource != "" {
			loc.Resource = l.Resource + "." + a
		}
	}
	if l.file == "" {
		loc.Line, loc.Column = 0, 0
	}
	return loc
}

// docDeepest is deepestPrefix in the resource's document.
func (l *Locator) docDeepest(segs []string) (Pos, int) {
	if l.doc == nil || len(segs) == 0 {
		return Pos{}, 0
	}
	skip := 0
	if l.flat && strings.EqualFold(segs[0], "properties") {
		skip = 1
	}
	var best Pos
	depth := 0
	n := l.docAt
	for i, s := range segs[skip:] {
		var ok bool
		if n, ok = l.doc.lookup(n, s); !ok {
			break
		}
		if p := l.doc.at[n]; p.Line > 0 {
			best, depth = p, skip+i+1
		}
	}
	return best, depth
}

// get returns the position recorded for exactly segs.
func (l *Locator) get(segs []string) (Pos, bool) {
	if p, ok := l.Pm.Get(segs); ok {
		return p, true
	}
	if p, n := l.docDeepest(segs); n == len(segs) {
		return p, true
	}
	return Pos{}, false
}

// liveLocate gives live findings the ARM id of what they are about: the
// cluster, the agent pool for its fields, the role assignment for
// roleAssignments[i] (mounted on the cluster's locator by the builder).
func liveLocate(c *aksmodel.Cluster, id string, loc *Locator) func(string) finding.Location {
	return func(p string) finding.Location {
		if strings.HasPrefix(p, aksmodel.GapRoleAssignments+"[") {
			return loc.Locate(p)
		}
		for _, pool := range c.Pools {
			prefix := pool.Path.String()
			if p == prefix || strings.HasPrefix(p, prefix+".") {
				return finding.Location{Resource: id + "/agentPools/" + pool.Name}
			}
		}
		return finding.Location{Resource: id}
	}
}
