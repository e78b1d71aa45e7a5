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
// unless a service tag other than Internet, or source ranges, restrict it.
// A source range open to the Internet fails at that entry: 0.0.0.0/0 and
// ::/0, but also any IPv4 range shorter than /8 or IPv6 range shorter than
// /16 (see openRange), so that splits such as 0.0.0.0/1 + 128.0.0.0/1 do
// not pass for a restriction. Ranges that cannot be parsed restrict (the
// cloud provider then denies). A public load balancer restricted to
// narrower source ranges passes.

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
			Attack:   check.AttackExposed,
			Kinds:    []string{"Service"},
			Sources:  check.ObjectSources,
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
			if p, ok := openRange(cidr); ok {
				if p.Bits() == 0 {
					r.Fail(s.path(i), cidr, "public LoadBalancer Service admits every source address (%s in %s)", cidr, s.name)
				} else {
					r.Fail(s.path(i), cidr, "public LoadBalancer Service admits too broad a source range: %s in %s covers %s, which is open to the Internet (use ranges of at least /%d for IPv4, /%d for IPv6)",
						cidr, s.name, rangeSize(p), minIPv4SourceBits, minIPv6SourceBits)
				}
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

// Source ranges with fewer prefix bits than these are open to the
// Internet: an IPv4 range shorter than /8 spans several /8 blocks (at least
// 33 million addresses, and a handful of them cover the whole address
// space), an IPv6 range shorter than /16 at least 2^113 addresses, a large
// share of the global unicast block 2000::/3.
const (
	minIPv4SourceBits = 8
	minIPv6SourceBits = 16
)

// openRange reports whether a source range is open to the Internet: it
// admits every address (/0) or is too broad to be a restriction. IPv4 in
// IPv6 (::ffff:0:0/96) counts as IPv4. Ranges that do not parse restrict
// (the cloud provider then denies). It returns the parsed prefix, masked
// and unmapped.
func openRange(cidr string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil {
		return netip.Prefix{}, false
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	if p.Addr().Is4() {
		return p, p.Bits() < minIPv4SourceBits
	}
	return p, p.Bits() < minIPv6SourceBits
}

// rangeSize describes how many addresses a prefix covers, e.g.
// "2147483648 addresses (1/2 of the IPv4 address space)".
func rangeSize(p netip.Prefix) string {
	if p.Addr().Is4() {
		return fmt.Sprintf("%d addresses (1/%d of the IPv4 address space)", uint64(1)<<(32-p.Bits()), uint64(1)<<p.Bits())
	}
	return fmt.Sprintf("2^%d addresses (1/%d of the IPv6 address space)", 128-p.Bits(), uint64(1)<<p.Bits())
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
