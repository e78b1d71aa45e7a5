package inventory

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// WorkloadKinds are the kinds that carry a pod template, in the order the
// Pod Security admission plugin lists them.
var WorkloadKinds = []string{"Pod", "ReplicationController", "PodTemplate", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}

// PodSpec is the pod an object would run, with the path of its spec inside
// the object so findings can name the real field.
type PodSpec struct {
	// Meta is the pod template's metadata (the Pod's own for a Pod).
	Meta *metav1.ObjectMeta
	Spec *corev1.PodSpec
	// MetaPath and SpecPath are the template's metadata and spec paths,
	// e.g. spec.template.metadata and spec.template.spec.
	MetaPath, SpecPath *field.Path
}

var (
	podPaths      = [2]*field.Path{field.NewPath("metadata"), field.NewPath("spec")}
	templatePaths = [2]*field.Path{field.NewPath("spec", "template", "metadata"), field.NewPath("spec", "template", "spec")}
	cronPaths     = [2]*field.Path{field.NewPath("spec", "jobTemplate", "spec", "template", "metadata"), field.NewPath("spec", "jobTemplate", "spec", "template", "spec")}
	podTplPaths   = [2]*field.Path{field.NewPath("template", "metadata"), field.NewPath("template", "spec")}
)

// PodSpec returns the pod template of a workload object, or false for kinds
// without one (and for controllers whose template is missing).
func (o *Object) PodSpec() (PodSpec, bool) {
	mk := func(m *metav1.ObjectMeta, s *corev1.PodSpec, p [2]*field.Path) (PodSpec, bool) {
		return PodSpec{Meta: m, Spec: s, MetaPath: p[0], SpecPath: p[1]}, true
	}
	switch t := o.Typed.(type) {
	case *corev1.Pod:
		return mk(&t.ObjectMeta, &t.Spec, podPaths)
	case *corev1.PodTemplate:
		return mk(&t.Template.ObjectMeta, &t.Template.Spec, podTplPaths)
	case *corev1.ReplicationController:
		if t.Spec.Template == nil {
			return PodSpec{}, false
		}
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *appsv1.ReplicaSet:
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *appsv1.Deployment:
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *appsv1.StatefulSet:
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *appsv1.DaemonSet:
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *batchv1.Job:
		return mk(&t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec, templatePaths)
	case *batchv1.CronJob:
		return mk(&t.Spec.JobTemplate.Spec.Template.ObjectMeta, &t.Spec.JobTemplate.Spec.Template.Spec, cronPaths)
	case *TemplateWorkload:
		return mk(&t.Template.ObjectMeta, &t.Template.Spec, t.paths())
	}
	return PodSpec{}, false
}

// Container is one container of a pod with its path.
type Container struct {
	*corev1.Container
	Path *field.Path
	// Init is true for init containers.
	Init bool
}

// Containers lists init containers, containers and ephemeral containers,
// the same set the Pod Security Standards inspect.
func (p PodSpec) Containers() []Container {
	out := make([]Container, 0, len(p.Spec.InitContainers)+len(p.Spec.Containers)+len(p.Spec.EphemeralContainers))
	for i := range p.Spec.InitContainers {
		out = append(out, Container{Container: &p.Spec.InitContainers[i], Path: p.SpecPath.Child("initContainers").Index(i), Init: true})
	}
	for i := range p.Spec.Containers {
		out = append(out, Container{Container: &p.Spec.Containers[i], Path: p.SpecPath.Child("containers").Index(i)})
	}
	for i := range p.Spec.EphemeralContainers {
		ec := &p.Spec.EphemeralContainers[i]
		// EphemeralContainerCommon has the same fields as Container; the
		// API keeps them separate only to forbid some of them.
		c := corev1.Container(ec.EphemeralContainerCommon)
		out = append(out, Container{Container: &c, Path: p.SpecPath.Child("ephemeralContainers").Index(i)})
	}
	return out
}
