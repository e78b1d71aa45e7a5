package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestServiceExternalIPs(t *testing.T) {
	fs := checktest.Run(t, "K8S-086", exposureService("", "  externalIPs: [10.0.0.4, 10.0.0.5]\n"), nil)
	want := []string{"spec.externalIPs"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if fs[0].Evidence != "10.0.0.4, 10.0.0.5" {
		t.Errorf("evidence = %q", fs[0].Evidence)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:3" {
		t.Errorf("location = %s, want test.yaml:8:3", got)
	}

	fs = checktest.Run(t, "K8S-086", exposureService("", "  type: ClusterIP\n  externalIPs: [198.51.100.10]\n"), nil)
	if len(fs) != 1 || fs[0].Field != "spec.externalIPs" || fs[0].Evidence != "198.51.100.10" {
		t.Errorf("one externalIP: got %v", fs)
	}

	if fs := checktest.Run(t, "K8S-086", exposureService("", "  type: LoadBalancer\n"), nil); len(fs) != 0 {
		t.Errorf("no externalIPs: got %v", fs)
	}
}
