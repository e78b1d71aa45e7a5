package workload

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-089 reads spec.type and spec.ports[*].nodePort of Services. A
// NodePort Service fails once (at spec.type); a Service of another type
// (LoadBalancer) fails for each port that pins a nodePort explicitly.
// Node ports that a LoadBalancer allocates on its own are not reported:
// they are K8S-085's concern through the load balancer.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-089", Title: "Service exposed on node ports", Severity: finding.SeverityMedium, Area: "exposure",
			Description: "A node port is opened by kube-proxy on every node of the cluster, on all of the node's addresses, bypassing ingress controllers, their TLS and WAF. " +
				"On AKS it is reachable from the whole virtual network and peered networks, and from the Internet for node pools with node public IPs; NetworkPolicies that assume traffic arrives through the ingress no longer describe reality.",
			Remediation: "Use type ClusterIP behind an ingress, or an internal LoadBalancer, and let Kubernetes choose node ports only where a load balancer needs them:\n\n" +
				"    spec:\n      type: ClusterIP\n      ports:\n      - port: 80\n        targetPort: 8080",
			Controls: check.Controls{ASB: []string{"NS-1", "NS-2"}, Practice: "network"},
			Attack:   check.AttackExposed,
			Kinds:    []string{"Service"},
			Sources:  check.ObjectSources,
		},
		Eval: evalNodePortService,
	})
}

func evalNodePortService(_ *check.Context, obj *inventory.Object, r *check.Report) {
	svc, ok := obj.Typed.(*corev1.Service)
	if !ok {
		return
	}
	if svc.Spec.Type == corev1.ServiceTypeNodePort {
		var ports []string
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 {
				ports = append(ports, strconv.Itoa(int(p.NodePort)))
			}
		}
		msg := "Service of type NodePort opens its ports on every node"
		if len(ports) > 0 {
			msg += " (node ports " + strings.Join(ports, ", ") + ")"
		}
		r.Fail(field.NewPath("spec", "type"), string(corev1.ServiceTypeNodePort), "%s", msg)
		return
	}
	typ := svc.Spec.Type
	if typ == "" {
		typ = corev1.ServiceTypeClusterIP
	}
	// A live LoadBalancer Service always shows node ports: the API server
	// allocates them unless allocateLoadBalancerNodePorts is false. Only a
	// manifest can tell that the author pinned one.
	if obj.Loc.File == "" && obj.Loc.Resource != "" && typ == corev1.ServiceTypeLoadBalancer {
		return
	}
	for i, p := range svc.Spec.Ports {
		if p.NodePort == 0 {
			continue
		}
		n := strconv.Itoa(int(p.NodePort))
		r.Fail(field.NewPath("spec", "ports").Index(i).Child("nodePort"), n,
			"Service of type %s pins node port %s, opened on every node", typ, n)
	}
}
