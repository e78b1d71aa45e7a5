package manifest

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// typedKind builds an empty typed object for a group and kind and returns
// its metadata. Older API versions of the same kind (extensions/v1beta1
// Deployment, batch/v1beta1 CronJob, networking.k8s.io/v1beta1 Ingress)
// decode into the current type: every field the checks read kept its name
// and shape, and a separate check reports the deprecated version itself.
func typedKind(group, kind string) (any, *metav1.ObjectMeta) {
	switch group {
	case "":
		switch kind {
		case "Pod":
			o := &corev1.Pod{}
			return o, &o.ObjectMeta
		case "PodTemplate":
			o := &corev1.PodTemplate{}
			return o, &o.ObjectMeta
		case "ReplicationController":
			o := &corev1.ReplicationController{}
			return o, &o.ObjectMeta
		case "Namespace":
			o := &corev1.Namespace{}
			return o, &o.ObjectMeta
		case "ServiceAccount":
			o := &corev1.ServiceAccount{}
			return o, &o.ObjectMeta
		case "Service":
			o := &corev1.Service{}
			return o, &o.ObjectMeta
		case "ConfigMap":
			o := &corev1.ConfigMap{}
			return o, &o.ObjectMeta
		case "Secret":
			o := &corev1.Secret{}
			return o, &o.ObjectMeta
		case "LimitRange":
			o := &corev1.LimitRange{}
			return o, &o.ObjectMeta
		case "ResourceQuota":
			o := &corev1.ResourceQuota{}
			return o, &o.ObjectMeta
		}
	case "apps", "extensions":
		switch kind {
		case "Deployment":
			o := &appsv1.Deployment{}
			return o, &o.ObjectMeta
		case "StatefulSet":
			o := &appsv1.StatefulSet{}
			return o, &o.ObjectMeta
		case "DaemonSet":
			o := &appsv1.DaemonSet{}
			return o, &o.ObjectMeta
		case "ReplicaSet":
			o := &appsv1.ReplicaSet{}
			return o, &o.ObjectMeta
		case "Ingress", "NetworkPolicy":
			return typedKind("networking.k8s.io", kind)
		}
	case "batch":
		switch kind {
		case "Job":
			o := &batchv1.Job{}
			return o, &o.ObjectMeta
		case "CronJob":
			o := &batchv1.CronJob{}
			return o, &o.ObjectMeta
		}
	case "rbac.authorization.k8s.io":
		switch kind {
		case "Role":
			o := &rbacv1.Role{}
			return o, &o.ObjectMeta
		case "ClusterRole":
			o := &rbacv1.ClusterRole{}
			return o, &o.ObjectMeta
		case "RoleBinding":
			o := &rbacv1.RoleBinding{}
			return o, &o.ObjectMeta
		case "ClusterRoleBinding":
			o := &rbacv1.ClusterRoleBinding{}
			return o, &o.ObjectMeta
		}
	case "networking.k8s.io":
		switch kind {
		case "NetworkPolicy":
			o := &networkingv1.NetworkPolicy{}
			return o, &o.ObjectMeta
		case "Ingress":
			o := &networkingv1.Ingress{}
			return o, &o.ObjectMeta
		}
	}
	return nil, nil
}
