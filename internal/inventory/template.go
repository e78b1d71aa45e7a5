package inventory

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TemplateWorkload is the Typed value of an object of a kind Bulwark has
// no type for (a custom resource such as an Argo Rollout or an OpenShift
// DeploymentConfig) that carries a pod template where a built-in workload
// does. Its controller will run that pod, so the checks judge it through
// the template, as they would the built-in kind of the same shape.
type TemplateWorkload struct {
	Template corev1.PodTemplateSpec
	// As is the built-in kind whose shape the object has: Deployment for
	// spec.template, CronJob for spec.jobTemplate.spec.template. Checks
	// that apply to that kind apply to the object.
	As string
}

// JudgedAs is the kind whose checks apply to o: its own, or for a
// TemplateWorkload the built-in kind whose pod template it carries.
func (o *Object) JudgedAs() string {
	if t, ok := o.Typed.(*TemplateWorkload); ok {
		return t.As
	}
	return o.Kind
}

// JudgedNote says, for a TemplateWorkload, how it was judged: its findings
// carry it, since Bulwark knows the pod template and nothing else of the
// kind. It is "" for every other object.
func (o *Object) JudgedNote() string {
	t, ok := o.Typed.(*TemplateWorkload)
	if !ok {
		return ""
	}
	path := "spec.template"
	if t.As == "CronJob" {
		path = "spec.jobTemplate.spec.template"
	}
	return fmt.Sprintf("judged through %s as a %s's pod template: %s is not otherwise known to Bulwark", path, t.As, o.Kind)
}

// paths are the template's metadata and spec paths.
func (t *TemplateWorkload) paths() [2]*field.Path {
	if t.As == "CronJob" {
		return cronPaths
	}
	return templatePaths
}
