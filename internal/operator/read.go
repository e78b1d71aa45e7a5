package operator

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
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
	type named struct {
		scope   string
		results []openreports.ReportResult
	}
	var reports []named
	if opt.Namespace != "" {
		var rp openreports.Report
		if err := c.Get(ctx, client.ObjectKey{Namespace: opt.Namespace, Name: ReportName}, &rp); err != nil {
			if isNotFound(err) {
				return nil, fmt.Errorf("namespace %s has no Bulwark report (is the operator running? kubectl get reports.openreports.io -n %s)", opt.Namespace, opt.Namespace)
			}
			return nil, fmt.Errorf("reading the report of namespace %s: %w", opt.Namespace, err)
		}
		reports = append(reports, named{"namespace " + opt.Namespace, rp.Results})
	} else {
		var l openreports.ReportList
		if err := c.List(ctx, &l, client.MatchingLabels(reportLabels)); err != nil {
			return nil, fmt.Errorf("listing the reports: %w", err)
		}
		for _, rp := range l.Items {
			if rp.Name == ReportName {
				reports = append(reports, named{"namespace " + rp.Namespace, rp.Results})
			}
		}
	}
	if opt.Cluster || opt.Namespace == "" {
		var cr openreports.ClusterReport
		switch err := c.Get(ctx, client.ObjectKey{Name: ClusterReportName}, &cr); {
		case err == nil:
			reports = append(reports, named{"the cluster", cr.Results})
		case isNotFound(err):
			return nil, fmt.Errorf("no Bulwark cluster report (is the operator running? kubectl get clusterreports.openreports.io)")
		default:
			return nil, fmt.Errorf("reading the cluster report: %w", err)
		}
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
