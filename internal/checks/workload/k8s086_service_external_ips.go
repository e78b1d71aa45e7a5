package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-086 reads spec.externalIPs of Services, whatever their type.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-086", Title: "Service sets externalIPs", Severity: finding.SeverityMedium, Area: "exposure",
			Description: "kube-proxy sends traffic for a Service's externalIPs to the Service's pods from every node, for any IP the Service claims, without checking that the IP belongs to it (CVE-2020-8554, unfixed by design). " +
				"Whoever can create or edit a Service can claim the address of a database, a DNS server or an Azure endpoint and intercept the cluster's traffic to it. Legitimate uses are rare on AKS, where LoadBalancer Services provide external addresses.",
			Remediation: "Remove spec.externalIPs and expose the Service through type LoadBalancer (internal where possible) or an ingress. " +
				"Block the field cluster-wide with the Azure Policy \"Kubernetes cluster services should only use allowed external IPs\" (with an empty allow-list), or a ValidatingAdmissionPolicy that rejects Services with externalIPs.",
			Controls: check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
			Attack:   check.AttackExposed,
			Kinds:    []string{"Service"},
			Sources:  check.ObjectSources,
		},
		Eval: evalServiceExternalIPs,
	})
}

func evalServiceExternalIPs(_ *check.Context, obj *inventory.Object, r *check.Report) {
	svc, ok := obj.Typed.(*corev1.Service)
	if !ok || len(svc.Spec.ExternalIPs) == 0 {
		return
	}
	ips := strings.Join(svc.Spec.ExternalIPs, ", ")
	r.Fail(field.NewPath("spec", "externalIPs"), ips, "Service claims externalIPs %s; kube-proxy routes traffic for them to this Service on every node (CVE-2020-8554)", ips)
}
