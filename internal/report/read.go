package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// MaxResultSize bounds a result file Read accepts.
const MaxResultSize = 256 << 20

// Read decodes a result written with --format json. Input larger than
// MaxResultSize, of another schema version or with fields the layout does
// not have is an error.
func Read(r io.Reader) (*Report, error) { return read(r, MaxResultSize) }

func read(r io.Reader, limit int64) (*Report, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("larger than %d MiB", limit>>20)
		}
		return nil, fmt.Errorf("not a bulwark JSON result: %w", err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("larger than %d MiB", limit>>20)
	}
	if rep.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schema version %q, want %q", rep.SchemaVersion, SchemaVersion)
	}
	return &rep, nil
}

// Merge joins results of several runs (scan aks, scan cluster, assess...)
// into one for a posture report: findings, checks (once each), attack
// paths, errors and warnings of all, summarized anew.
func Merge(reps ...*Report) *Report {
	if len(reps) == 1 {
		return reps[0]
	}
	out := &Report{SchemaVersion: SchemaVersion, Command: "report"}
	seen := map[string]bool{}
	for _, r := range reps {
		if out.Tool.Name == "" {
			out.Tool, out.Settings = r.Tool, r.Settings
		}
		out.Targets = append(out.Targets, r.Targets...)
		out.Findings = append(out.Findings, r.Findings...)
		for _, c := range r.Checks {
			if !seen[c.ID] {
				seen[c.ID] = true
				out.Checks = append(out.Checks, c)
			}
		}
		out.Exceptions = append(out.Exceptions, r.Exceptions...)
		out.Warnings = append(out.Warnings, r.Warnings...)
		out.Coverage = append(out.Coverage, r.Coverage...)
		out.Errors = append(out.Errors, r.Errors...)
		out.CheckErrors = append(out.CheckErrors, r.CheckErrors...)
		out.AttackPaths = append(out.AttackPaths, r.AttackPaths...)
		out.Inventory.Files += r.Inventory.Files
		out.Inventory.Documents += r.Inventory.Documents
		out.Inventory.Objects += r.Inventory.Objects
	}
	slices.SortFunc(out.Checks, func(a, b Check) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	slices.SortStableFunc(out.AttackPaths, func(a, b AttackPath) int { return b.Score - a.Score })
	out.Summarize()
	return out
}
