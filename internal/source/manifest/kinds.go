package manifest

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/kubernetes/scheme"
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

// builtinKinds maps each built-in API group to its versions and their
// kinds, as client-go's scheme registers them: every version Kubernetes
// serves and the removed ones k8s.io/api still ships (apps/v1beta1,
// extensions/v1beta1), which K8S-133 reports.
var builtinKinds = func() map[string]map[string]map[string]bool {
	out := map[string]map[string]map[string]bool{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue
		}
		vs := out[gvk.Group]
		if vs == nil {
			vs = map[string]map[string]bool{}
			out[gvk.Group] = vs
		}
		if vs[gvk.Version] == nil {
			vs[gvk.Version] = map[string]bool{}
		}
		vs[gvk.Version][gvk.Kind] = true
	}
	// Removed from k8s.io/api since, yet once served and still reported by
	// K8S-133 rather than refused: CronJob's first API (until 1.21).
	out["batch"]["v2alpha1"] = map[string]bool{"CronJob": true}
	return out
}()

// unservedKind says why an object of a kind Bulwark judges cannot exist
// under its apiVersion, or "" when it can. The API server refuses such an
// object (no resource of that kind in that group/version), so it is an
// input error, never an object counted and passed: apiVersion v1 with
// kind Deployment, or apps/v1beta1 DaemonSet, which no release served.
// Kinds Bulwark has no type for, and groups that are not built in, are
// left alone: they are custom resources or not Bulwark's to refuse.
func unservedKind(gv schema.GroupVersion, kind string) string {
	versions, builtin := builtinKinds[gv.Group]
	if !builtin || !judgedKind(kind) || versions[gv.Version][kind] {
		return ""
	}
	return fmt.Sprintf("apiVersion %s does not serve kind %s, so the API server rejects this object; %s is served as %s",
		gv, kind, kind, servedAs(kind))
}

// judgedKind reports whether kind is a built-in kind Bulwark decodes.
func judgedKind(kind string) bool {
	for group, versions := range builtinKinds {
		for _, kinds := range versions {
			if kinds[kind] {
				if t, _ := typedKind(group, kind); t != nil {
					return true
				}
			}
		}
	}
	return false
}

// servedAs is the newest apiVersion that serves kind.
func servedAs(kind string) string {
	var best schema.GroupVersion
	found := false
	for group, versions := range builtinKinds {
		for v, kinds := range versions {
			if !kinds[kind] {
				continue
			}
			gv := schema.GroupVersion{Group: group, Version: v}
			if !found || version.CompareKubeAwareVersionStrings(v, best.Version) > 0 ||
				(v == best.Version && best.Group == "extensions") {
				best, found = gv, true
			}
		}
	}
	return best.String()
}
