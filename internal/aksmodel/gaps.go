package aksmodel

import (
	"sort"
	"strings"
)

// Gaps maps what the input could not provide to the reason: a field path
// in ARM shape (properties.securityProfile.azureKeyVaultKms.keyId, from a
// template expression that cannot be evaluated before deployment), or a
// pseudo-path for related data (GapDiagnostics, ...). A check whose input
// falls in a gap does not run on that object, and the scan reports the
// check as not assessed instead of letting it pass.
type Gaps map[string]string

// Gap is one entry of Gaps.
type Gap struct {
	Path, Reason string
}

// Add records a gap unless the path already has one.
func (g Gaps) Add(path, reason string) {
	if _, ok := g[path]; !ok {
		g[path] = reason
	}
}

// Overlapping returns the gaps on path, on an ancestor of it (the whole
// object came from one expression) or below it (part of the value is
// unknown), sorted by path.
func (g Gaps) Overlapping(path string) []Gap {
	var out []Gap
	for p, r := range g {
		if overlaps(p, path) {
			out = append(out, Gap{p, r})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// overlaps compares paths case-insensitively (ARM property names are)
// and only at segment boundaries.
func overlaps(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	// Without lower-casing copies: this runs for every gap, check,
	// pool and object.
	if !strings.EqualFold(a, b[:len(a)]) {
		return false
	}
	return len(a) == len(b) || b[len(a)] == '.' || b[len(a)] == '['
}

// Where node pools live: inline in the cluster, or as separate resources.
const (
	PoolsInline   = "properties.agentPoolProfiles"
	PoolsSeparate = "agentPools"
)

// ancestorOrSelf reports whether a is b or an ancestor of it.
func ancestorOrSelf(a, b string) bool {
	return len(a) <= len(b) && overlaps(a, b)
}

// A check declares the fields it reads (check.Meta.Fields), so that the
// scan can tell which checks a gap leaves unassessed and the check can skip
// what it cannot judge. Entries are ARM paths of the cluster or registry ("properties.enableRBAC"),
// paths relative to every node pool prefixed "pool:" ("pool:enableFIPS"),
// or a Gap* pseudo-path. A path prefixed "=" ("=properties.aadProfile")
// reads only whether the object is there: unknown fields inside it do not
// matter, an unknown object or ancestor does.
// PoolPrefix marks a read relative to each node pool.
const PoolPrefix = "pool:"

// PresencePrefix marks a read of an object's presence only.
const PresencePrefix = "="

// gapsOn returns the gaps a read of path meets.
func (g Gaps) gapsOn(path string) []Gap {
	if p, ok := strings.CutPrefix(path, PresencePrefix); ok {
		var out []Gap
		for _, gp := range g.Overlapping(p) {
			if ancestorOrSelf(gp.Path, p) {
				out = append(out, gp)
			}
		}
		return out
	}
	return g.Overlapping(path)
}

// ObjectGaps returns the gaps that stop the check reading paths on an
// object with the given pools (nil for registries), one per gap path.
func ObjectGaps(g Gaps, paths []string, pools []*Pool) []Gap {
	if len(g) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []Gap
	add := func(path string) {
		for _, gp := range g.gapsOn(path) {
			if !seen[gp.Path] {
				seen[gp.Path] = true
				out = append(out, gp)
			}
		}
	}
	poolReads := false
	for _, p := range paths {
		if rel, ok := strings.CutPrefix(p, PoolPrefix); ok {
			poolReads = true
			for _, pool := range pools {
				add(pool.Path.String() + "." + rel)
			}
			continue
		}
		add(p)
	}
	// Pools the input could not list at all (a list from an expression, a
	// copy loop with an unknown count) are a gap for every pool read.
	if poolReads {
		for gp, r := range g {
			if !seen[gp] && (ancestorOrSelf(gp, PoolsInline) || ancestorOrSelf(gp, PoolsSeparate)) {
				seen[gp] = true
				out = append(out, Gap{gp, r})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ClusterBlocked reports whether a cluster-level read of paths falls in a
// gap. Pool reads are ignored: see PoolBlocked.
func ClusterBlocked(g Gaps, paths []string) bool {
	for _, p := range paths {
		if !strings.HasPrefix(p, PoolPrefix) && len(g.gapsOn(p)) > 0 {
			return true
		}
	}
	return false
}

// PoolBlocked reports whether a pool read of paths falls in a gap for
// pool p.
func PoolBlocked(g Gaps, paths []string, p *Pool) bool {
	for _, r := range paths {
		if rel, ok := strings.CutPrefix(r, PoolPrefix); ok && len(g.gapsOn(p.Path.String()+"."+rel)) > 0 {
			return true
		}
	}
	return false
}
