package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

func fieldsOf(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field
	}
	return out
}

func TestNodeImageDate(t *testing.T) {
	tests := []struct {
		v    string
		want string // "" for no date
	}{
		{"AKSUbuntu-2204gen2containerd-202410.15.0", "2024-10-15"},
		{"AKSUbuntu-2204gen2containerd-202601.27.1", "2026-01-27"},
		{"AKSCBLMariner-V2gen2-202308.01.0", "2023-08-01"},
		{"AKSAzureLinux-V3gen2-202511.04.0", "2025-11-04"},
		{"AKSUbuntu-1804gen2containerd-2022.01.19", "2022-01-19"},
		{"AKSUbuntu-1604-2020.10.08", "2020-10-08"},
		{"AKSWindows-2022-containerd-20348.2762.241009", "2024-10-09"},
		{"AKSWindows-23H2-gen2", ""},
		{"AKSUbuntu-2204gen2containerd-202413.40.0", ""}, // no such date
		{"", ""},
		{"my-image-1.2.3", ""},
	}
	for _, tt := range tests {
		got, ok := NodeImageDate(tt.v)
		if s := got.Format(time.DateOnly); ok != (tt.want != "") || ok && s != tt.want {
			t.Errorf("NodeImageDate(%q) = %s, %v; want %q", tt.v, s, ok, tt.want)
		}
	}
}

func TestNodeImageAge(t *testing.T) {
	// observed is 2026-11-26.
	tests := []struct {
		image string
		want  bool
	}{
		{"AKSUbuntu-2204gen2containerd-202611.20.0", false},
		{"AKSUbuntu-2204gen2containerd-202610.12.0", false}, // 45 days
		{"AKSUbuntu-2204gen2containerd-202610.11.0", true},  // 46 days
		{"AKSUbuntu-2204gen2containerd-202410.15.0", true},
		{"AKSWindows-23H2-gen2", false}, // no date: not judged
		{"", false},                     // not AKS
	}
	for _, tt := range tests {
		fs := run(t, "K8S-142", nodeDoc("aks-np-0", "v1.37.2", tt.image, "Ubuntu 22.04.5 LTS", "containerd://1.7.29-1"), live(t, "v1.37.2", ""))
		if (len(fs) == 1) != tt.want || len(fs) > 1 {
			t.Errorf("%q: want finding %v, got %v", tt.image, tt.want, fs)
			continue
		}
		if tt.want {
			f := fs[0]
			if f.Field != "metadata.labels[kubernetes.azure.com/node-image-version]" || f.Evidence != tt.image ||
				!strings.Contains(f.Message, "(Ubuntu 22.04.5 LTS, kernel 5.15.0-1074-azure, containerd://1.7.29-1)") {
				t.Errorf("%q: %+v", tt.image, f)
			}
		}
	}
	fs := run(t, "K8S-142", nodeDoc("aks-np-1", "v1.37.2", "AKSUbuntu-2204gen2containerd-202410.15.0", "", ""), live(t, "v1.37.2", ""))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "built on 2024-10-15, 772 days before the scan") {
		t.Errorf("message: %v", fs)
	}
}
