package workload

import (
	"slices"
	"strings"
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
		{"halves of the IPv4 space", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [0.0.0.0/1, 128.0.0.0/1]\n",
			[]string{"spec.loadBalancerSourceRanges[0]"}, "0.0.0.0/1"},
		{"/7 after a narrow range", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24, 2.0.0.0/7]\n",
			[]string{"spec.loadBalancerSourceRanges[1]"}, "2.0.0.0/7"},
		{"/8 is a restriction", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [10.0.0.0/8]\n", []string{}, ""},
		{"broad IPv6", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [\"2000::/3\"]\n", []string{"spec.loadBalancerSourceRanges[0]"}, "2000::/3"},
		{"IPv6 /16 is a restriction", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [\"2001:db8::/32\", \"2a01::/16\"]\n", []string{}, ""},
		{"IPv4-mapped IPv6 covering all IPv4", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [\"::ffff:0.0.0.0/96\"]\n",
			[]string{"spec.loadBalancerSourceRanges[0]"}, "::ffff:0.0.0.0/96"},
		{"Azure annotation halves", "    service.beta.kubernetes.io/azure-allowed-ip-ranges: \"0.0.0.0/1,128.0.0.0/1\"\n", "  type: LoadBalancer\n",
			[]string{"metadata.annotations[service.beta.kubernetes.io/azure-allowed-ip-ranges]"}, "0.0.0.0/1"},
		{"legacy annotation broad", "    service.beta.kubernetes.io/load-balancer-source-ranges: \"203.0.113.0/24, 64.0.0.0/2\"\n", "  type: LoadBalancer\n",
			[]string{"metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]"}, "64.0.0.0/2"},
		{"unparseable range restricts", "", "  type: LoadBalancer\n  loadBalancerSourceRanges: [not-a-cidr]\n", []string{}, ""},
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

func TestPublicLoadBalancerBroadRangeMessage(t *testing.T) {
	tests := []struct{ ranges, want string }{
		{"[0.0.0.0/1, 128.0.0.0/1]", "0.0.0.0/1 in spec.loadBalancerSourceRanges covers 2147483648 addresses (1/2 of the IPv4 address space)"},
		{"[2.0.0.0/7]", "covers 33554432 addresses (1/128 of the IPv4 address space)"},
		{`["2000::/3"]`, "covers 2^125 addresses (1/8 of the IPv6 address space)"},
		{"[0.0.0.0/0]", "admits every source address (0.0.0.0/0 in spec.loadBalancerSourceRanges)"},
		{`["::ffff:0.0.0.0/96"]`, "admits every source address"},
	}
	for _, tt := range tests {
		fs := checktest.Run(t, "K8S-085", exposureService("", "  type: LoadBalancer\n  loadBalancerSourceRanges: "+tt.ranges+"\n"), nil)
		if len(fs) != 1 {
			t.Fatalf("%s: want 1 finding, got %v", tt.ranges, fs)
		}
		if !strings.Contains(fs[0].Message, tt.want) {
			t.Errorf("%s: message = %q, want it to contain %q", tt.ranges, fs[0].Message, tt.want)
		}
	}
}

func TestOpenRange(t *testing.T) {
	open := []string{"0.0.0.0/0", "::/0", " 0.0.0.0/1 ", "128.0.0.0/1", "10.0.0.0/7", "192.168.1.1/4", "2000::/3", "2001::/15", "::ffff:0.0.0.0/96", "::ffff:64.0.0.0/98"}
	closed := []string{"10.0.0.0/8", "203.0.113.0/24", "203.0.113.7/32", "2001::/16", "2001:db8::/32", "::ffff:10.0.0.0/104", "garbage", "", "10.0.0.0", "0.0.0.0/33"}
	for _, c := range open {
		if _, ok := openRange(c); !ok {
			t.Errorf("openRange(%q) = false, want true", c)
		}
	}
	for _, c := range closed {
		if _, ok := openRange(c); ok {
			t.Errorf("openRange(%q) = true, want false", c)
		}
	}
}
