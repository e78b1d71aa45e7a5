package admission

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/render"
)

// PolicyOptions shape the ValidatingAdmissionPolicies.
type PolicyOptions struct {
	// Action is what a failed validation does: Deny, Warn or Audit.
	Action admissionregistrationv1.ValidationAction
	// ExcludeNamespaces are never judged (kube-system always).
	ExcludeNamespaces []string
	// Gate and Policy decide which checks block, as for the webhook.
	Gate   decide.Gate
	Policy *policy.Policy
}

// NotExpressed is a check the policies leave out, and why.
type NotExpressed struct {
	Check  *check.Check
	Reason string
}

// shape is where a kind keeps its pod spec.
type shape struct {
	name      string
	spec      string
	resources []admissionregistrationv1.NamedRuleWithOperations
}

var shapes = []shape{
	{"pods", "object.spec", rules("", "v1", "pods")},
	{"workloads", "object.spec.template.spec", append(rules("apps", "v1", "deployments", "replicasets", "statefulsets", "daemonsets"), rules("batch", "v1", "jobs")...)},
	{"cronjobs", "object.spec.jobTemplate.spec.template.spec", rules("batch", "v1", "cronjobs")},
}

func rules(group, version string, resources ...string) []admissionregistrationv1.NamedRuleWithOperations {
	return []admissionregistrationv1.NamedRuleWithOperations{{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{group}, APIVersions: []string{version}, Resources: resources},
	}}}
}

// Policies compiles the checks that declare CEL into one
// ValidatingAdmissionPolicy per pod spec shape, each with its binding, and
// lists the checks it could not express with the reason: no CEL form, or
// a verdict that depends on what CEL cannot see (grace periods, policy or
// annotation exceptions, a severity below the gate).
func Policies(checks []*check.Check, opt PolicyOptions) ([]any, []NotExpressed) {
	var expressed []*check.Check
	var skipped []NotExpressed
	for _, c := range checks {
		if why := notExpressible(c, opt); why != "" {
			skipped = append(skipped, NotExpressed{c, why})
			continue
		}
		expressed = append(expressed, c)
	}
	if len(expressed) == 0 {
		return nil, skipped
	}
	excluded := append([]string{"kube-system"}, opt.ExcludeNamespaces...)
	slices.Sort(excluded)
	excluded = slices.Compact(excluded)
	var objs []any
	for _, sh := range shapes {
		name := "bulwark-" + sh.name
		vap := &admissionregistrationv1.ValidatingAdmissionPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "bulwark"}},
			Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
				FailurePolicy:    ptr.To(admissionregistrationv1.Fail),
				MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: sh.resources},
				Variables: []admissionregistrationv1.Variable{
					{Name: "spec", Expression: sh.spec},
					{Name: "containers", Expression: "variables.spec.containers + (has(variables.spec.initContainers) ? variables.spec.initContainers : [])"},
				},
			},
		}
		for _, c := range expressed {
			vap.Spec.Validations = append(vap.Spec.Validations, admissionregistrationv1.Validation{
				Expression: expression(c.CEL),
				Message:    Message(c),
				Reason:     ptr.To(metav1.StatusReasonForbidden),
			})
		}
		binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "bulwark"}},
			Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
				PolicyName:        name,
				ValidationActions: []admissionregistrationv1.ValidationAction{opt.Action},
				MatchResources: &admissionregistrationv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
					MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: excluded}},
				}},
			},
		}
		objs = append(objs, vap, binding)
	}
	return objs, skipped
}

// Message is a check's one-line denial: the id first, as in the webhook's
// answers, so that both doors name the rule the same way.
func Message(c *check.Check) string {
	return render.OneLine(fmt.Sprintf("%s %s. Fix: %s", c.ID, c.Title, render.FirstSentence(c.Remediation)))
}

func expression(e *check.CEL) string {
	var parts []string
	if e.Pod != "" {
		parts = append(parts, "("+e.Pod+")")
	}
	if e.Container != "" {
		parts = append(parts, "variables.containers.all(c, "+e.Container+")")
	}
	return strings.Join(parts, " && ")
}

func notExpressible(c *check.Check, opt PolicyOptions) string {
	sev := opt.Policy.Severity(c.ID, c.Severity)
	switch {
	case c.CEL == nil:
		return "no CEL form"
	case opt.Gate.Never || sev < opt.Gate.FailOn:
		return "below --fail-on " + opt.Gate.String()
	}
	if grace, ok := opt.Policy.Grace(sev); ok && grace > 0 {
		return fmt.Sprintf("the policy gives %s findings a %d-day grace period", sev, grace)
	}
	if opt.Policy != nil {
		for _, e := range opt.Policy.Exceptions {
			for _, ref := range e.Checks {
				if strings.EqualFold(ref.ID, c.ID) {
					return fmt.Sprintf("the policy has an exception for it (line %d)", e.Line)
				}
			}
		}
		if opt.Policy.AnnotationExceptions {
			return "the policy allows annotation exceptions (" + decide.AnnotationKey + ")"
		}
	}
	return ""
}
