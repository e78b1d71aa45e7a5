package operator

import (
	"context"
	"fmt"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// stored is a report Bulwark wrote, whatever its format.
type stored struct {
	namespace string // "" for the cluster report
	results   []openreports.ReportResult
}

// key is the report's scope as the reconciler keys it.
func (s stored) key() string { return s.namespace }

// reportObject is the object of the report of ns ("": the cluster) in
// format, and how to make it hold c.
func reportObject(format, ns string, c content) (client.Object, controllerutil.MutateFn) {
	scope := &corev1.ObjectReference{APIVersion: "v1", Kind: "Namespace", Name: ns}
	switch {
	case format == FormatPolicyReport && ns == clusterKey:
		cr := &ClusterPolicyReport{ObjectMeta: metav1.ObjectMeta{Name: ClusterReportName}}
		return cr, func() error {
			cr.Labels = mergeLabels(cr.Labels)
			cr.Summary, cr.Results = c.Summary, c.Results
			return nil
		}
	case format == FormatPolicyReport:
		rp := &PolicyReport{ObjectMeta: metav1.ObjectMeta{Name: ReportName, Namespace: ns}}
		return rp, func() error {
			rp.Labels = mergeLabels(rp.Labels)
			rp.Scope, rp.Summary, rp.Results = scope, c.Summary, c.Results
			return nil
		}
	case ns == clusterKey:
		want := newClusterReport(c)
		cr := &openreports.ClusterReport{ObjectMeta: metav1.ObjectMeta{Name: want.Name}}
		return cr, func() error {
			cr.Labels = mergeLabels(cr.Labels)
			cr.Source, cr.Configuration, cr.Summary, cr.Results = want.Source, want.Configuration, want.Summary, want.Results
			return nil
		}
	default:
		want := newReport(ns, c)
		rp := &openreports.Report{ObjectMeta: metav1.ObjectMeta{Name: want.Name, Namespace: ns}}
		return rp, func() error {
			rp.Labels = mergeLabels(rp.Labels)
			rp.Source, rp.Scope, rp.Configuration, rp.Summary, rp.Results = want.Source, want.Scope, want.Configuration, want.Summary, want.Results
			return nil
		}
	}
}

// listReports lists the reports Bulwark wrote in format: of namespace ns,
// or of every namespace and the cluster when ns is "". Reports of others
// (another name, no Bulwark label) are not Bulwark's and are left out.
func listReports(ctx context.Context, c client.Reader, format, ns string) ([]stored, error) {
	opts := []client.ListOption{client.MatchingLabels(reportLabels)}
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	var out []stored
	switch format {
	case FormatPolicyReport:
		var l PolicyReportList
		if err := c.List(ctx, &l, opts...); err != nil {
			return nil, err
		}
		for _, rp := range l.Items {
			if rp.Name == ReportName {
				out = append(out, stored{rp.Namespace, rp.Results})
			}
		}
		if ns != "" {
			return out, nil
		}
		var cl ClusterPolicyReportList
		if err := c.List(ctx, &cl, client.MatchingLabels(reportLabels)); err != nil {
			return nil, err
		}
		for _, cr := range cl.Items {
			if cr.Name == ClusterReportName {
				out = append(out, stored{clusterKey, cr.Results})
			}
		}
	case FormatOpenReports:
		var l openreports.ReportList
		if err := c.List(ctx, &l, opts...); err != nil {
			return nil, err
		}
		for _, rp := range l.Items {
			if rp.Name == ReportName {
				out = append(out, stored{rp.Namespace, rp.Results})
			}
		}
		if ns != "" {
			return out, nil
		}
		var cl openreports.ClusterReportList
		if err := c.List(ctx, &cl, client.MatchingLabels(reportLabels)); err != nil {
			return nil, err
		}
		for _, cr := range cl.Items {
			if cr.Name == ClusterReportName {
				out = append(out, stored{clusterKey, cr.Results})
			}
		}
	default:
		return nil, fmt.Errorf("report format %q", format)
	}
	return out, nil
}
