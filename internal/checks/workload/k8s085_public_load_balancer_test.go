package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

// exposureService is a Service with the given annotations block (indented
// under metadata) and spec lines (indented under spec).
func exposureService(annotations, spec string) string {
	doc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
	if annotations != "" {
		doc += "  annotations:\n" + annotations
	}
	return doc + "spec:\n  selector: {app: web}\n  ports: [{port: 443, targetPort: 8443}]\n" + spec
}

func TestPublicLoadBalancer(t *testing.T) {
	const internal = "    service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"\n"
	tests := []struct {
		name, annotations, spec string
		want                    []string
		evidence                string
	}{
		{"public, unrestricted", "", "  type: LoadBalancer\n", []string{"spec.type"}, "LoadBalancer"},
		{"internal", internal, "  type: LoadBalancer\n", []string{}, ""},
		{"internal, other case", "    service.beta.kubernetes.io/azure-load-balancer-internal: \"True\"\n", "  type: LoadBalancer\n", []string{}, ""},
		{"internal false", "    service.beta.kubernetes.io/azure-load-balancer-internal: \"false\"\n", "  type: LoadBalancer\n", []string{"spec.type"}, "LoadBalancer"},
		{"restricted source ranges", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]\n", []string{}, ""},
		{"source ranges include 0.0.0.0/0", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24, 0.0.0.0/0]\n",
			[]string{"spec.loadBalancerSourceRanges[1]"}, "0.0.0.0/0"},
		{"source ranges ::/0", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [\"::/0\"]\n", []string{"spec.loadBalancerSourceRanges[0]"}, "::/0"},
		{"annotation ranges", "    service.beta.kubernetes.io/azure-allowed-ip-ranges: \"10.0.0.0/8, 203.0.113.7/32\"\n", "  type: LoadBalancer\n", []string{}, ""},
		{"legacy annotation open", "    service.beta.kubernetes.io/load-balancer-source-ranges: \"0.0.0.0/0\"\n", "  type: LoadBalancer\n",
			[]string{"metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]"}, "0.0.0.0/0"},
		{"service tag", "    service.beta.kubernetes.io/azure-allowed-service-tags: AzureFrontDoor.Backend\n", "  type: LoadBalancer\n", []string{}, ""},
		{"Internet service tag", "    service.beta.kubernetes.io/azure-allowed-service-tags: Internet\n", "  type: LoadBalancer\n",
			[]string{"metadata.annotations[service.beta.kubernetes.io/azure-allowed-service-tags]"}, "Internet"},
		{"ClusterIP", "", "  type: ClusterIP\n", []string{}, ""},
		{"no type", "", "", []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-085", exposureService(tt.annotations, tt.spec), nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(fs) > 0 && fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
		})
	}
}

func TestPublicLoadBalancerLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-085", exposureService("", "  type: LoadBalancer\n"), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:3" {
		t.Errorf("location = %s, want test.yaml:8:3", got)
	}
}
