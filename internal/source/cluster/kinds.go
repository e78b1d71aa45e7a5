package cluster

import (
	"context"
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
)

// Kind is one kind the collector reads.
type Kind struct {
	Kind     string
	Group    string // "" for the core group
	Version  string
	Resource string // plural resource name, e.g. deployments
	// Namespaced kinds are listed per namespace when namespaces are
	// selected; cluster-scoped kinds are always listed whole.
	Namespaced bool
	// MetadataOnly kinds are read through the metadata API: only their
	// metadata reaches Bulwark (Secrets).
	MetadataOnly bool

	list func(ctx context.Context, c *clients, ns string, opts metav1.ListOptions) (page, error)
}

// APIVersion is the kind's group/version as written in objects.
func (k *Kind) APIVersion() string {
	return schema.GroupVersion{Group: k.Group, Version: k.Version}.String()
}

func (k *Kind) groupVersionKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
}

// GroupResource names the resource as the API server does in its errors,
// e.g. deployments.apps.
func (k *Kind) GroupResource() string {
	return schema.GroupResource{Group: k.Group, Resource: k.Resource}.String()
}

// Path is the API path of an object of this kind (or, with an empty name,
// of the collection).
func (k *Kind) Path(namespace, name string) string {
	p := "/api/" + k.Version
	if k.Group != "" {
		p = "/apis/" + k.Group + "/" + k.Version
	}
	if k.Namespaced && namespace != "" {
		p += "/namespaces/" + namespace
	}
	p += "/" + k.Resource
	if name != "" {
		p += "/" + name
	}
	return p
}

type clients struct {
	typed    kubernetes.Interface
	metadata metadata.Interface
}

// entry is one decoded object of a page.
type entry struct {
	meta  *metav1.ObjectMeta
	typed any
}

type page struct {
	items []entry
	cont  string
}

// lister is a typed client's List method.
type lister[L runtime.Object] func(context.Context, metav1.ListOptions) (L, error)

// typed adapts a typed client's List method. Each item is copied out of
// the list into its own allocation, so that objects the collector drops
// (the ReplicaSets of Deployments...) do not keep their page alive.
func typed[L runtime.Object](call func(c *clients, ns string) lister[L]) func(context.Context, *clients, string, metav1.ListOptions) (page, error) {
	return func(ctx context.Context, c *clients, ns string, opts metav1.ListOptions) (page, error) {
		l, err := call(c, ns)(ctx, opts)
		if err != nil {
			return page{}, err
		}
		lm, err := meta.ListAccessor(l)
		if err != nil {
			return page{}, err
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return page{}, err
		}
		p := page{items: make([]entry, 0, len(items)), cont: lm.GetContinue()}
		for _, it := range items {
			v := reflect.ValueOf(it).Elem()
			cp := reflect.New(v.Type())
			cp.Elem().Set(v)
			obj := cp.Interface()
			om, ok := obj.(metav1.ObjectMetaAccessor)
			if !ok {
				return page{}, fmt.Errorf("%T has no object metadata", obj)
			}
			m, ok := om.GetObjectMeta().(*metav1.ObjectMeta)
			if !ok {
				return page{}, fmt.Errorf("%T has no object metadata", obj)
			}
			p.items = append(p.items, entry{meta: m, typed: obj})
		}
		return p, nil
	}
}

var secretsResource = corev1.SchemeGroupVersion.WithResource("secrets")

// Kinds are the kinds the collector reads, in the order they are listed
// in reports.
var Kinds = []*Kind{
	{Kind: "Namespace", Version: "v1", Resource: "namespaces",
		list: typed(func(c *clients, _ string) lister[*corev1.NamespaceList] { return c.typed.CoreV1().Namespaces().List })},
	{Kind: "Node", Version: "v1", Resource: "nodes",
		list: typed(func(c *clients, _ string) lister[*corev1.NodeList] { return c.typed.CoreV1().Nodes().List })},
	{Kind: "Pod", Version: "v1", Resource: "pods", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.PodList] { return c.typed.CoreV1().Pods(ns).List })},
	{Kind: "ReplicationController", Version: "v1", Resource: "replicationcontrollers", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.ReplicationControllerList] {
			return c.typed.CoreV1().ReplicationControllers(ns).List
		})},
	{Kind: "PodTemplate", Version: "v1", Resource: "podtemplates", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.PodTemplateList] {
			return c.typed.CoreV1().PodTemplates(ns).List
		})},
	{Kind: "Deployment", Group: "apps", Version: "v1", Resource: "deployments", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*appsv1.DeploymentList] {
			return c.typed.AppsV1().Deployments(ns).List
		})},
	{Kind: "ReplicaSet", Group: "apps", Version: "v1", Resource: "replicasets", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*appsv1.ReplicaSetList] {
			return c.typed.AppsV1().ReplicaSets(ns).List
		})},
	{Kind: "StatefulSet", Group: "apps", Version: "v1", Resource: "statefulsets", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*appsv1.StatefulSetList] {
			return c.typed.AppsV1().StatefulSets(ns).List
		})},
	{Kind: "DaemonSet", Group: "apps", Version: "v1", Resource: "daemonsets", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*appsv1.DaemonSetList] { return c.typed.AppsV1().DaemonSets(ns).List })},
	{Kind: "Job", Group: "batch", Version: "v1", Resource: "jobs", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*batchv1.JobList] { return c.typed.BatchV1().Jobs(ns).List })},
	{Kind: "CronJob", Group: "batch", Version: "v1", Resource: "cronjobs", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*batchv1.CronJobList] { return c.typed.BatchV1().CronJobs(ns).List })},
	{Kind: "ServiceAccount", Version: "v1", Resource: "serviceaccounts", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.ServiceAccountList] {
			return c.typed.CoreV1().ServiceAccounts(ns).List
		})},
	{Kind: "Role", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*rbacv1.RoleList] { return c.typed.RbacV1().Roles(ns).List })},
	{Kind: "ClusterRole", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles",
		list: typed(func(c *clients, _ string) lister[*rbacv1.ClusterRoleList] {
			return c.typed.RbacV1().ClusterRoles().List
		})},
	{Kind: "RoleBinding", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*rbacv1.RoleBindingList] {
			return c.typed.RbacV1().RoleBindings(ns).List
		})},
	{Kind: "ClusterRoleBinding", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings",
		list: typed(func(c *clients, _ string) lister[*rbacv1.ClusterRoleBindingList] {
			return c.typed.RbacV1().ClusterRoleBindings().List
		})},
	{Kind: "NetworkPolicy", Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*networkingv1.NetworkPolicyList] {
			return c.typed.NetworkingV1().NetworkPolicies(ns).List
		})},
	{Kind: "Service", Version: "v1", Resource: "services", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.ServiceList] { return c.typed.CoreV1().Services(ns).List })},
	{Kind: "Ingress", Group: "networking.k8s.io", Version: "v1", Resource: "ingresses", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*networkingv1.IngressList] {
			return c.typed.NetworkingV1().Ingresses(ns).List
		})},
	{Kind: "ConfigMap", Version: "v1", Resource: "configmaps", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.ConfigMapList] { return c.typed.CoreV1().ConfigMaps(ns).List })},
	{Kind: "Secret", Version: "v1", Resource: "secrets", Namespaced: true, MetadataOnly: true,
		list: typed(func(c *clients, ns string) lister[*metav1.PartialObjectMetadataList] {
			return c.metadata.Resource(secretsResource).Namespace(ns).List
		})},
	{Kind: "LimitRange", Version: "v1", Resource: "limitranges", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.LimitRangeList] {
			return c.typed.CoreV1().LimitRanges(ns).List
		})},
	{Kind: "ResourceQuota", Version: "v1", Resource: "resourcequotas", Namespaced: true,
		list: typed(func(c *clients, ns string) lister[*corev1.ResourceQuotaList] {
			return c.typed.CoreV1().ResourceQuotas(ns).List
		})},
}

// KindOf returns the collector's entry for a kind name.
func KindOf(kind string) (*Kind, bool) {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return nil, false
}
