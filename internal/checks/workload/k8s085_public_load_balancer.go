package workload

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-085 reads Services of type LoadBalancer: the annotation
// service.beta.kubernetes.io/azure-load-balancer-internal, the source
// restrictions spec.loadBalancerSourceRanges and the annotations
// service.beta.kubernetes.io/load-balancer-source-ranges,
// service.beta.kubernetes.io/azure-allowed-ip-ranges and
// service.beta.kubernetes.io/azure-allowed-service-tags. It follows the
// Azure cloud provider (cloud-provider-azure, IsInternal and
// IsAllowFromInternet): "true" in any case makes the load balancer
// internal; otherwise it gets a public IP, and the NSG admits the Internet
// unless a service tag other than Internet, or a source range that is not
// 0.0.0.0/0 or ::/0 (or cannot be parsed), restricts it. A public load
// balancer restricted to named source ranges passes.

const (
	annotationAzureInternalLB    = "service.beta.kubernetes.io/azure-load-balancer-internal"
	annotationLBSourceRanges     = "service.beta.kubernetes.io/load-balancer-source-ranges"
	annotationAzureAllowedRanges = "service.beta.kubernetes.io/azure-allowed-ip-ranges"
	annotationAzureAllowedTags   = "service.beta.kubernetes.io/azure-allowed-service-tags"
)

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-085", Title: "Public LoadBalancer Service open to the Internet", Severity: finding.SeverityHigh, Area: "exposure",
			Description: "On AKS a Service of type LoadBalancer without the internal annotation gets a public IP on the cluster's Azure load balancer, and the cloud provider opens the node NSG to the Internet service tag for its ports. " +
				"Internet-wide scanners find new Azure IPs within minutes; whatever listens behind it (an admin UI, a database, a metrics endpoint without authentication) is attacked directly, bypassing the WAF and TLS an Application Gateway or ingress would add.",
			Remediation: "Keep the service private and publish HTTP(S) through an ingress (application routing add-on, Application Gateway for Containers) with TLS and a WAF:\n\n" +
				"    metadata:\n      annotations:\n        service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"\n\n" +
				"If it must be public, restrict the callers:\n\n" +
				"    spec:\n      type: LoadBalancer\n      loadBalancerSourceRanges:\n      - 203.0.113.0/24",
			Controls: check.Controls{ASB: []string{"NS-1", "NS-2"}, Practice: "network"},
			Kinds:    []string{"Service"},
		},
		Eval: evalPublicLoadBalancer,
	})
}

func evalPublicLoadBalancer(_ *check.Context, obj *inventory.Object, r *check.Report) {
	svc, ok := obj.Typed.(*corev1.Service)
	if !ok || svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return
	}
	if v, ok := svc.Annotations[annotationAzureInternalLB]; ok && strings.EqualFold(v, "true") {
		return
	}
	if tags := splitAnnotationList(svc.Annotations[annotationAzureAllowedTags]); len(tags) > 0 {
		for _, tag := range tags {
			if !strings.EqualFold(tag, "Internet") {
				return
			}
		}
		r.Fail(field.NewPath("metadata", "annotations").Key(annotationAzureAllowedTags), strings.Join(tags, ","),
			"public LoadBalancer Service admits the Internet service tag (%s)", annotationAzureAllowedTags)
		return
	}
	spec := field.NewPath("spec", "loadBalancerSourceRanges")
	ann := field.NewPath("metadata", "annotations")
	sources := []struct {
		path   func(i int) *field.Path
		ranges []string
		name   string
	}{
		{func(i int) *field.Path { return spec.Index(i) }, svc.Spec.LoadBalancerSourceRanges, "spec.loadBalancerSourceRanges"},
		{func(int) *field.Path { return ann.Key(annotationAzureAllowedRanges) }, splitAnnotationList(svc.Annotations[annotationAzureAllowedRanges]), annotationAzureAllowedRanges},
		{func(int) *field.Path { return ann.Key(annotationLBSourceRanges) }, splitAnnotationList(svc.Annotations[annotationLBSourceRanges]), annotationLBSourceRanges},
	}
	restricted := false
	for _, s := range sources {
		for i, cidr := range s.ranges {
			if allowsAll(cidr) {
				r.Fail(s.path(i), cidr, "public LoadBalancer Service admits every source address (%s in %s)", cidr, s.name)
				return
			}
			restricted = true
		}
	}
	if restricted {
		return
	}
	reason := "it has no " + annotationAzureInternalLB + " annotation"
	if v, ok := svc.Annotations[annotationAzureInternalLB]; ok {
		reason = fmt.Sprintf("%s is %q, not \"true\"", annotationAzureInternalLB, v)
	}
	r.Fail(field.NewPath("spec", "type"), string(corev1.ServiceTypeLoadBalancer),
		"Service of type LoadBalancer gets a public IP open to the Internet: %s, and no source ranges restrict it", reason)
}

// allowsAll reports whether a source range admits every address. Ranges
// that do not parse restrict (the cloud provider then denies).
func allowsAll(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

func splitAnnotationList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
