// Package engine runs checks over an inventory, concurrently, and returns
// their findings in a deterministic order. It decides nothing: the decide
// step applies the user's policy to what the engine found.
package engine

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// CheckError records a check that crashed on an object. Such an object is
// "not assessed" by that check: it is reported, never counted as a pass.
type CheckError struct {
	CheckID string           `json:"checkID"`
	Subject finding.Subject  `json:"subject"`
	Loc     finding.Location `json:"location"`
	Err     string           `json:"error"`
}

func (e CheckError) Error() string {
	return fmt.Sprintf("%s: check %s on %s: %s", e.Loc, e.CheckID, e.Subject, e.Err)
}

// Result is what one evaluation produced.
type Result struct {
	Findings []finding.Finding
	Errors   []CheckError
	// Evaluations counts (check, object) pairs evaluated.
	Evaluations int

	// With Options.Unmerged, the findings stay in the workers' blocks and
	// order says in which order Each walks them; Findings is nil.
	blocks [][]finding.Finding
	order  []ref
}

// ref is a finding in Result.blocks.
type ref struct{ block, i int32 }

// Len is the number of findings.
func (r *Result) Len() int {
	if r.blocks != nil {
		return len(r.order)
	}
	return len(r.Findings)
}

// Each calls fn on every finding in the order Sort gives them, then drops
// the result's findings: a caller that converts them as it goes never
// holds its copies beside a merged set of the engine's.
func (r *Result) Each(fn func(*finding.Finding)) {
	if r.blocks == nil {
		for i := range r.Findings {
			fn(&r.Findings[i])
		}
	} else {
		for _, x := range r.order {
			fn(&r.blocks[x.block][x.i])
		}
	}
	r.Findings, r.blocks, r.order = nil, nil, nil
}

// Options tune the evaluation.
type Options struct {
	// Workers bounds the goroutines; 0 means GOMAXPROCS.
	Workers int
	// ReleasePositions drops each object's YAML layout as soon as its
	// checks have run (checks locate fields only in the object they
	// judge), instead of holding every layout until the last object is
	// done: on a large scan they are a quarter of the live heap.
	ReleasePositions bool
	// Unmerged leaves the findings in the blocks the workers wrote them
	// to, sorted by an index, for Result.Each: merging them into one slice
	// held both copies at once at the scan's memory peak, while every
	// object was still live.
	Unmerged bool
}

// chunk is how many objects a worker takes at a time: large enough to make
// the atomic counter cheap, small enough to balance uneven objects.
const chunk = 32

// Run evaluates checks against every object they apply to.
func Run(inv *inventory.Inventory, checks []*check.Check, settings *check.Settings, opt Options) Result {
	// Checks are chosen by the kind an object is judged as: a custom
	// resource carrying a pod template gets the checks of the built-in
	// workload of the same shape.
	byKind := map[string][]*check.Check{}
	for _, o := range inv.Objects {
		kind := o.JudgedAs()
		if _, done := byKind[kind]; done {
			continue
		}
		var cs []*check.Check
		for _, c := range checks {
			// Detections judge audit events, not objects (a core/v1 Event
			// in a manifest is not one).
			if c.Eval != nil && c.AppliesTo(kind) {
				cs = append(cs, c)
			}
		}
		byKind[kind] = cs
	}

	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A small inventory (one admission request) needs no more goroutines
	// than it has chunks.
	workers = max(1, min(workers, (len(inv.Objects)+chunk-1)/chunk))
	ctx := &check.Context{Inventory: inv, Settings: settings}
	results := make([]worker, workers)
	var next atomic.Int64
	work := func(res *worker) {
		for {
			start := int(next.Add(chunk)) - chunk
			if start >= len(inv.Objects) {
				return
			}
			for _, o := range inv.Objects[start:min(start+chunk, len(inv.Objects))] {
				for _, c := range byKind[o.JudgedAs()] {
					res.eval(ctx, c, o)
				}
				if opt.ReleasePositions {
					o.ReleasePositions()
				}
			}
		}
	}
	if workers == 1 {
		// One chunk: evaluate on the caller's goroutine, without handing
		// the work to another and waiting for it to be scheduled.
		work(&results[0])
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { work(&results[w]) })
		}
		wg.Wait()
	}

	var out Result
	n := 0
	for _, r := range results {
		n += r.n
	}
	if opt.Unmerged {
		for i := range results {
			out.blocks = append(out.blocks, results[i].blocks...)
			out.Errors = append(out.Errors, results[i].Errors...)
			out.Evaluations += results[i].Evaluations
		}
		// The same order as merging, then sorting stably.
		for b, blk := range out.blocks {
			for i := range blk {
				out.order = append(out.order, ref{int32(b), int32(i)})
			}
		}
		if out.blocks == nil {
			out.blocks = [][]finding.Finding{}
		}
		slices.SortStableFunc(out.order, func(x, y ref) int {
			return compareFindings(&out.blocks[x.block][x.i], &out.blocks[y.block][y.i])
		})
		sortErrors(out.Errors)
		return out
	}
	// One exact allocation for all findings; each block is dropped as soon
	// as it is copied, so the findings are never held twice for long.
	merged := make([]finding.Finding, 0, n)
	for i := range results {
		for j, b := range results[i].blocks {
			merged = append(merged, b...)
			results[i].blocks[j] = nil
		}
		out.Errors = append(out.Errors, results[i].Errors...)
		out.Evaluations += results[i].Evaluations
	}
	Sort(merged)
	out.Findings = merged
	sortErrors(out.Errors)
	return out
}

func sortErrors(es []CheckError) {
	slices.SortFunc(es, func(a, b CheckError) int {
		return cmp.Or(compareLoc(a.Loc, b.Loc), cmp.Compare(a.CheckID, b.CheckID))
	})
}

// blockSize is how many findings a worker stores per block: growing one
// slice by doubling copied every finding about twice and left up to half
// of the last copy unused, on the largest allocation of a scan.
const blockSize = 1024

// worker is what one goroutine of Run collects.
type worker struct {
	blocks      [][]finding.Finding
	n           int
	rep         check.Report // reused: its findings are copied out after each check
	Errors      []CheckError
	Evaluations int
}

func (w *worker) eval(ctx *check.Context, c *check.Check, o *inventory.Object) {
	defer func() {
		if p := recover(); p != nil {
			w.Errors = append(w.Errors, CheckError{CheckID: c.ID, Subject: o.Subject(), Loc: o.Loc,
				Err: fmt.Sprintf("internal error (please report): %v\n%s", p, debug.Stack())})
		}
	}()
	w.rep.Reset(c, o)
	c.Eval(ctx, o, &w.rep)
	note := o.JudgedNote()
	for _, f := range w.rep.Findings() {
		if note != "" {
			f.Message += " (" + note + ")"
		}
		if k := len(w.blocks); k == 0 || len(w.blocks[k-1]) == cap(w.blocks[k-1]) {
			// Blocks grow from small to blockSize: one Pod's dozen findings
			// (an admission request) must not cost a full block.
			size := blockSize
			if w.n < blockSize {
				size = max(16, min(blockSize, 2*w.n))
			}
			w.blocks = append(w.blocks, make([]finding.Finding, 0, size))
		}
		last := &w.blocks[len(w.blocks)-1]
		*last = append(*last, f)
		w.n++
	}
	w.Evaluations++
}

// Sort orders findings in place by place, then check, then field: the
// order a reader walks a file in, and stable across runs.
func Sort(fs []finding.Finding) {
	// Sort indices, not the findings themselves: a finding is a few hundred
	// bytes and a large scan has a hundred thousand of them.
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return compareFindings(&fs[i], &fs[j]) })
	// Apply the permutation in place, cycle by cycle: a sorted copy would
	// hold a second set of findings at the scan's memory peak.
	done := make([]bool, len(fs))
	for i := range fs {
		if done[i] {
			continue
		}
		tmp := fs[i]
		j := i
		for {
			done[j] = true
			k := int(idx[j])
			if k == i {
				fs[j] = tmp
				break
			}
			fs[j] = fs[k]
			j = k
		}
	}
}

// compareFindings orders by place, then check, then field. Early returns,
// not cmp.Or, which evaluates every argument.
func compareFindings(a, b *finding.Finding) int {
	if c := compareLoc(a.Location, b.Location); c != 0 {
		return c
	}
	if c := cmp.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	if c := compareSubject(a.Subject, b.Subject); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	return cmp.Compare(a.Message, b.Message)
}

func compareLoc(a, b finding.Location) int {
	if c := cmp.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Column, b.Column); c != 0 {
		return c
	}
	return cmp.Compare(a.Resource, b.Resource)
}

func compareSubject(a, b finding.Subject) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// CheckErrors returns the errors, never nil, for stable JSON.
func (r Result) CheckErrors() []CheckError {
	if r.Errors == nil {
		return []CheckError{}
	}
	return r.Errors
}
