package operator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/version"
)

// ReadOptions select the reports Read reads.
type ReadOptions struct {
	// Namespace reads that namespace's report; "" reads every namespace's.
	Namespace string
	// Cluster adds the cluster report (always, when Namespace is "").
	Cluster bool
}

// Read reads the reports the operator wrote back into one report, which
// the renderers print as they print a scan's: findings with their status,
// the checks that could not assess something as input errors (the result
// is then "error", as for scan cluster), overflow and expired exceptions
// as warnings.
func Read(ctx context.Context, cfg *rest.Config, opt ReadOptions) (*report.Report, error) {
	s, err := Scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, fmt.Errorf("client configuration: %w", err)
	}
	reports, err := readReports(ctx, c, opt)
	if err != nil {
		return nil, err
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: version.Version, URI: version.URI},
		Command:       "kubectl bulwark report",
		Targets:       []string{cfg.Host},
		Findings:      []report.Finding{},
		Exceptions:    []report.Exception{},
		Warnings:      []string{},
		Coverage:      []report.Coverage{},
		Errors:        []report.InputError{},
		CheckErrors:   []report.CheckError{},
		Inventory:     report.Inventory{Kinds: []report.KindCount{}, Skipped: []report.Skipped{}, NotAssessed: []report.ObjectNote{}, ViaTemplate: []report.ObjectNote{}},
	}
	var ids []string
	for _, n := range reports {
		n := named{scopeName(n.namespace), n.results}
		for _, r := range n.results {
			switch {
			case r.Properties[PropStatus] == StatusNotAssessed:
				rep.Errors = append(rep.Errors, report.InputError{Resource: n.scope, Message: r.Policy + ": " + r.Description})
			case r.Properties[PropFingerprint] == "":
				rep.Warnings = append(rep.Warnings, n.scope+": "+r.Description)
			default:
				f, err := findingOf(r)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", n.scope, err)
				}
				rep.Findings = append(rep.Findings, f)
				if !slices.Contains(ids, f.CheckID) {
					ids = append(ids, f.CheckID)
				}
			}
		}
	}
	slices.Sort(ids)
	rep.Checks = scan.DescribeChecks(ids)
	if rep.Checks == nil {
		rep.Checks = []report.Check{}
	}
	slices.SortStableFunc(rep.Findings, func(a, b report.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Subject.String(), b.Subject.String()), cmp.Compare(a.CheckID, b.CheckID))
	})
	rep.Summarize()
	return rep, nil
}

type named struct {
	scope   string
	results []openreports.ReportResult
}

// readReports reads the reports opt selects in the first format that has
// them: OpenReports, else wgpolicyk8s.io PolicyReports (the operator's
// --report-format), whichever CRDs the cluster serves.
func readReports(ctx context.Context, c client.Reader, opt ReadOptions) ([]stored, error) {
	var why []string
	for _, f := range ReportFormats {
		rs, err := readFormat(ctx, c, f, opt)
		switch {
		case err == nil:
			return rs, nil
		case meta.IsNoMatchError(err):
			why = append(why, f+": the API server does not serve its CRDs")
		case errors.Is(err, errNoReport):
			why = append(why, f+": "+err.Error())
		default:
			return nil, fmt.Errorf("reading the %s reports: %w", f, err)
		}
	}
	where := ""
	if opt.Namespace != "" {
		where = " -n " + opt.Namespace
	}
	return nil, fmt.Errorf("no Bulwark report (%s). Is the operator running? kubectl get reports.openreports.io,policyreports.wgpolicyk8s.io%s", strings.Join(why, "; "), where)
}

var errNoReport = errors.New("no report")

func readFormat(ctx context.Context, c client.Reader, format string, opt ReadOptions) ([]stored, error) {
	rs, err := listReports(ctx, c, format, opt.Namespace)
	if err != nil {
		return nil, err
	}
	if opt.Namespace != "" && len(rs) == 0 {
		return nil, fmt.Errorf("%w for namespace %s", errNoReport, opt.Namespace)
	}
	if opt.Namespace != "" && opt.Cluster {
		all, err := listReports(ctx, c, format, "")
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if s.namespace == clusterKey {
				rs = append(rs, s)
			}
		}
	}
	if (opt.Cluster || opt.Namespace == "") && !slices.ContainsFunc(rs, func(s stored) bool { return s.namespace == clusterKey }) {
		return nil, fmt.Errorf("%w for the cluster", errNoReport)
	}
	return rs, nil
}

// findingOf is the finding a result was written from.
func findingOf(r openreports.ReportResult) (report.Finding, error) {
	sev, err := report.ParseSeverity(string(r.Severity))
	if err != nil {
		return report.Finding{}, fmt.Errorf("result %s: %w", r.Policy, err)
	}
	st := report.Status(r.Properties[PropStatus])
	if !slices.Contains(report.Statuses, st) {
		return report.Finding{}, fmt.Errorf("result %s: unknown status %q", r.Policy, st)
	}
	f := report.Finding{
		CheckID: r.Policy, Title: r.Properties[PropTitle], Severity: sev, Status: st, Blocking: st == report.StatusFail,
		Field: r.Properties[PropField], Message: r.Description, Fingerprint: r.Properties[PropFingerprint],
		FirstSeen: r.Properties[PropFirstSeen], Due: r.Properties[PropDue],
		Location: report.Location{Resource: r.Properties[PropResource]},
	}
	if len(r.Subjects) > 0 {
		s := r.Subjects[0]
		f.Subject = report.Subject{APIVersion: s.APIVersion, Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
	}
	return f, nil
}
