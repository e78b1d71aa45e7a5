package azure

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// locator turns the ARM-shaped field paths that checks report
// (properties.agentPoolProfiles[1].enableEncryptionAtHost) into positions
// in the input the value came from. Each source fills pm with the
// position of every ARM path it produced: flattened `az` output has no
// "properties" level, templates take values from parameters and copy
// loops, plans use Terraform's attribute names; the mapping is made once,
// when the value is read.
type locator struct {
	file string
	// resource is Location.Resource: the ARM id for live objects, the
	// Terraform address for plans.
	resource string
	// root is where the resource starts, the fallback for paths with no
	// recorded ancestor.
	root pos
	pm   *posIndex
	// mounts hand paths below a prefix to another resource's locator:
	// agentPools[np] → the separate agent pool resource.
	mounts []mount
	// attr, when set, names the input's own path of a field (Terraform
	// attribute paths) for Location.Resource.
	attr map[string]string
	// doc, when set, is the position index of the document the resource
	// is in, docAt the resource's node in it; flat says the document is
	// az output, whose properties are at the top level.
	doc   *posIndex
	docAt int32
	flat  bool
}

type mount struct {
	prefix []string // lower case
	loc    *locator
}

func newLocator(file string, root pos) *locator {
	return &locator{file: file, root: root, pm: newPosIndex()}
}

// set records the position of an ARM path given as segments.
func (l *locator) set(segs []string, p pos) {
	l.pm.set(segs, p)
}

func (l *locator) mount(prefix []string, sub *locator) {
	low := make([]string, len(prefix))
	for i, s := range prefix {
		low[i] = strings.ToLower(s)
	}
	l.mounts = append(l.mounts, mount{low, sub})
}

// locate returns the position of the deepest recorded ancestor of path.
func (l *locator) locate(path string) finding.Location {
	segs := splitFieldPath(path)
	for _, m := range l.mounts {
		if len(segs) >= len(m.prefix) && segKey(segs[:len(m.prefix)]) == strings.Join(m.prefix, "\x1f") {
			return m.loc.locate(dotted(segs[len(m.prefix):]))
		}
	}
	loc := finding.Location{File: l.file, Resource: l.resource, Line: l.root.line, Column: l.root.col}
	p, n := l.pm.deepestPrefix(segs)
	if dp, dn := l.docDeepest(segs); dn > n {
		p, n = dp, dn
	}
	if n > 0 {
		loc.Line, loc.Column = p.line, p.col
		if a, ok := l.attr[segKey(segs[:n])]; ok && l.resource != "" {
			loc.Resource = l.resource + "." + a
		}
	}
	if l.file == "" {
		loc.Line, loc.Column = 0, 0
	}
	return loc
}

// docDeepest is deepestPrefix in the resource's document.
func (l *locator) docDeepest(segs []string) (pos, int) {
	if l.doc == nil || len(segs) == 0 {
		return pos{}, 0
	}
	skip := 0
	if l.flat && strings.EqualFold(segs[0], "properties") {
		skip = 1
	}
	var best pos
	depth := 0
	n := l.docAt
	for i, s := range segs[skip:] {
		var ok bool
		if n, ok = l.doc.lookup(n, s); !ok {
			break
		}
		if p := l.doc.at[n]; p.line > 0 {
			best, depth = p, skip+i+1
		}
	}
	return best, depth
}

// get returns the position recorded for exactly segs.
func (l *locator) get(segs []string) (pos, bool) {
	if p, ok := l.pm.get(segs); ok {
		return p, true
	}
	if p, n := l.docDeepest(segs); n == len(segs) {
		return p, true
	}
	return pos{}, false
}

// liveLocate gives live findings the ARM id of what they are about: the
// cluster, the agent pool for its fields, the role assignment for
// roleAssignments[i] (mounted on the cluster's locator by the builder).
func liveLocate(c *aksmodel.Cluster, id string, loc *locator) func(string) finding.Location {
	return func(p string) finding.Location {
		if strings.HasPrefix(p, aksmodel.GapRoleAssignments+"[") {
			return loc.locate(p)
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
