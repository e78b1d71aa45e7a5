// Package report is the data a run presents: decided findings, the checks
// that ran, what was read and what could not be. Renderers turn it into
// table, JSON, SARIF or JUnit output and never re-evaluate anything.
//
// Every type here is the report's own and the package imports no other
// part of bulwark: the JSON layout (docs/report.schema.json) changes only
// when this package does.
package report

// SchemaVersion names the JSON layout; it changes only with incompatible
// changes, which docs/json-report.md lists; docs/report.schema.json is
// the layout's contract.
const SchemaVersion = "bulwark.dev/report/v1"

// Exit codes of a run.
const (
	ExitPass  = 0
	ExitFail  = 1
	ExitError = 2
)

// Report is the outcome of one run.
type Report struct {
	SchemaVersion string    `json:"schemaVersion"`
	Tool          Tool      `json:"tool"`
	Command       string    `json:"command"`
	Targets       []string  `json:"targets"`
	Settings      Settings  `json:"settings"`
	Summary       Summary   `json:"summary"`
	Findings      []Finding `json:"findings"`
	// Checks are the checks that ran, sorted by id.
	Checks []Check `json:"checks"`
	// Exceptions says what each policy exception did in this run.
	Exceptions []Exception `json:"exceptions"`
	// Warnings are things the user should know that do not change the
	// verdict: expired or unused exceptions, ignored annotations, reserved
	// policy settings, grace periods without a baseline.
	Warnings  []string  `json:"warnings"`
	Inventory Inventory `json:"inventory"`
	// Coverage says, for a live source, what could be read of each kind
	// and which checks could not assess it. Empty for files, where every
	// object read is assessed and unreadable input is in Errors.
	Coverage    []Coverage   `json:"coverage"`
	Errors      []InputError `json:"errors"`
	CheckErrors []CheckError `json:"checkErrors"`
	// AttackPaths join findings of every layer into paths from the
	// internet to a crown jewel (bulwark assess), best scored first.
	AttackPaths []AttackPath `json:"attackPaths,omitempty"`
	// Fleet lists the clusters of an assessment of many (bulwark assess
	// --all-clusters): those not assessed are also input errors.
	Fleet *Fleet `json:"fleet,omitempty"`
}

// Check describes a check that ran, for readers of the report. It is the
// report's own type: fields added to check.Meta for the engine's use
// (sources, fields read, image aspects) do not change the schema.
type Check struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Area        string   `json:"area"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	Controls    Controls `json:"controls"`
	Kinds       []string `json:"kinds"`
	Reads       []string `json:"reads,omitempty"`
}

// Tool identifies the producer.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	URI     string `json:"informationUri"`
}

// Settings echo the inputs that shaped the verdict.
type Settings struct {
	PSSLevel   string `json:"pssLevel"`
	PSSVersion string `json:"pssVersion"`
	FailOn     string `json:"failOn"`
	Policy     string `json:"policy,omitempty"`
	Baseline   string `json:"baseline,omitempty"`
	NewOnly    bool   `json:"newOnly,omitempty"`
	// AsOf is the date grace periods and expiries were judged on.
	AsOf string `json:"asOf"`
}

// Summary counts findings and gives the verdict.
type Summary struct {
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"bySeverity"`
	Blocking   int            `json:"blocking"`
	// ByStatus counts findings per status: fail, due, excepted,
	// baselined, warn.
	ByStatus map[string]int `json:"byStatus"`
	// New counts findings absent from the baseline (0 without one).
	New int `json:"new"`
	// Result is "pass", "fail" or "error" (input could not all be read, so
	// the verdict is incomplete).
	Result   string `json:"result"`
	ExitCode int    `json:"exitCode"`
}

// Inventory says what was read.
type Inventory struct {
	Files     int         `json:"files"`
	Documents int         `json:"documents"`
	Objects   int         `json:"objects"`
	Kinds     []KindCount `json:"kinds"`
	// Skipped are documents that are not Kubernetes objects.
	Skipped []Skipped `json:"skipped"`
	// NotAssessed are objects read (and counted in Objects) that no check
	// judges beyond their apiVersion: kinds Bulwark has no checks for that
	// carry no pod template.
	NotAssessed []ObjectNote `json:"objectsNotAssessed"`
	// ViaTemplate are objects of kinds Bulwark does not know that were
	// judged through their pod template, as the built-in workload of the
	// same shape (an Argo Rollout as a Deployment).
	ViaTemplate []ObjectNote `json:"judgedThroughTemplate"`
}

// ObjectNote is an object listed with the reason it is listed.
type ObjectNote struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Reason     string `json:"reason"`
}

// Skipped is a document that was read but is not a Kubernetes object.
type Skipped struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Coverage statuses.
const (
	// CoverageRead: every object of the kind was read (in the selected
	// namespaces).
	CoverageRead = "read"
	// CoverageNotServed: the API server does not serve the kind, so there
	// is nothing of it to assess.
	CoverageNotServed = "not-served"
	// CoverageNotRead: the kind could not be read, or not in every
	// selected namespace (Reason says why); the checks listed did not
	// assess it. A run with such a kind ends in "error": its verdict is
	// incomplete.
	CoverageNotRead = "not-read"
	// CoverageNotApplicable: the source cannot give the checks listed what
	// they judge (Reason says why), so they did not run on this kind ("*"
	// for every kind).
	CoverageNotApplicable = "not-applicable"
)

// Coverage is one kind of a live scan: how many objects were read and
// assessed, and which checks could not assess it and why. A check that
// could not look at something is listed here, never counted as a pass.
type Coverage struct {
	Kind string `json:"kind"`
	// Resource is the API path listed, e.g. /apis/apps/v1/deployments.
	Resource string `json:"resource,omitempty"`
	Status   string `json:"status"`
	// Collected counts the objects read.
	Collected int `json:"collected"`
	// Assessed counts the objects handed to the checks: those read less
	// those evaluated through their controller's pod template (Pods of a
	// ReplicaSet, ReplicaSets of a Deployment, Jobs of a CronJob).
	Assessed int    `json:"assessed"`
	Reason   string `json:"reason,omitempty"`
	// NotAssessed are the ids of the checks that did not assess objects of
	// this kind because of Reason.
	NotAssessed []string `json:"notAssessed"`
}

// InputError is input that could not be read or decoded.
type InputError struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Resource is the API path of what a live source could not read
	// (File is then empty).
	Resource string `json:"resource,omitempty"`
	Message  string `json:"message"`
}

// Summarize fills Summary from the findings and errors.
// It also relates findings with one root cause (see Relate), which does
// not change any count.
func (r *Report) Summarize() {
	Relate(r.Findings)
	s := Summary{BySeverity: map[string]int{}, ByStatus: map[string]int{}}
	for _, n := range SeverityNames() {
		s.BySeverity[n] = 0
	}
	for _, st := range Statuses {
		s.ByStatus[string(st)] = 0
	}
	for _, f := range r.Findings {
		s.Findings++
		s.BySeverity[f.Severity.String()]++
		s.ByStatus[string(f.Status)]++
		if f.Blocking {
			s.Blocking++
		}
		if f.New {
			s.New++
		}
	}
	switch {
	case len(r.Errors) > 0 || len(r.CheckErrors) > 0:
		s.Result, s.ExitCode = "error", ExitError
	case s.Blocking > 0:
		s.Result, s.ExitCode = "fail", ExitFail
	default:
		s.Result, s.ExitCode = "pass", ExitPass
	}
	r.Summary = s
}
