package operator

import (
	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Report formats (Config.ReportFormat).
const (
	FormatOpenReports  = "openreports"
	FormatPolicyReport = "policyreport"
)

// ReportFormats are the formats the operator writes.
var ReportFormats = []string{FormatOpenReports, FormatPolicyReport}

// PolicyReportGroupVersion is the wg-policy PolicyReport API that
// OpenReports succeeded, still read by tools built on it (Policy Reporter,
// older Kyverno).
var PolicyReportGroupVersion = schema.GroupVersion{Group: "wgpolicyk8s.io", Version: "v1alpha2"}

// PolicyReport is a wgpolicyk8s.io/v1alpha2 PolicyReport. Its results and
// summary are OpenReports' on the wire (OpenReports renamed the API and
// kept them), so they are those types; the chart's CRDs are derived from
// the OpenReports ones (hack/policyreport-crds).
type PolicyReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Scope             *corev1.ObjectReference    `json:"scope,omitempty"`
	Summary           openreports.ReportSummary  `json:"summary,omitempty"`
	Results           []openreports.ReportResult `json:"results,omitempty"`
}

// PolicyReportList lists PolicyReports.
type PolicyReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PolicyReport `json:"items"`
}

// ClusterPolicyReport is a wgpolicyk8s.io/v1alpha2 ClusterPolicyReport.
type ClusterPolicyReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Scope             *corev1.ObjectReference    `json:"scope,omitempty"`
	Summary           openreports.ReportSummary  `json:"summary,omitempty"`
	Results           []openreports.ReportResult `json:"results,omitempty"`
}

// ClusterPolicyReportList lists ClusterPolicyReports.
type ClusterPolicyReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterPolicyReport `json:"items"`
}

func addPolicyReports(s *runtime.Scheme) error {
	s.AddKnownTypes(PolicyReportGroupVersion, &PolicyReport{}, &PolicyReportList{}, &ClusterPolicyReport{}, &ClusterPolicyReportList{})
	metav1.AddToGroupVersion(s, PolicyReportGroupVersion)
	return nil
}

func deepCopyResults(in []openreports.ReportResult) []openreports.ReportResult {
	if in == nil {
		return nil
	}
	out := make([]openreports.ReportResult, len(in))
	for i := range in {
		in[i].DeepCopyInto(&out[i])
	}
	return out
}

// DeepCopyObject implements runtime.Object.
func (r *PolicyReport) DeepCopyObject() runtime.Object {
	c := &PolicyReport{TypeMeta: r.TypeMeta, Summary: r.Summary, Results: deepCopyResults(r.Results)}
	r.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	if r.Scope != nil {
		c.Scope = r.Scope.DeepCopy()
	}
	return c
}

// DeepCopyObject implements runtime.Object.
func (r *ClusterPolicyReport) DeepCopyObject() runtime.Object {
	c := &ClusterPolicyReport{TypeMeta: r.TypeMeta, Summary: r.Summary, Results: deepCopyResults(r.Results)}
	r.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	if r.Scope != nil {
		c.Scope = r.Scope.DeepCopy()
	}
	return c
}

// DeepCopyObject implements runtime.Object.
func (l *PolicyReportList) DeepCopyObject() runtime.Object {
	c := &PolicyReportList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&c.ListMeta)
	for i := range l.Items {
		c.Items = append(c.Items, *l.Items[i].DeepCopyObject().(*PolicyReport))
	}
	return c
}

// DeepCopyObject implements runtime.Object.
func (l *ClusterPolicyReportList) DeepCopyObject() runtime.Object {
	c := &ClusterPolicyReportList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&c.ListMeta)
	for i := range l.Items {
		c.Items = append(c.Items, *l.Items[i].DeepCopyObject().(*ClusterPolicyReport))
	}
	return c
}
