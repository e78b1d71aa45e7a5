package admission

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bulwark-sec/bulwark/internal/scan"
)

// A policy edited on disk (a ConfigMap mounted as a volume) takes effect
// without a restart; a broken edit keeps the policy in force and says so.
func TestPolicyReload(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	write := func(content string) {
		t.Helper()
		// A new file behind the same name, as the kubelet swaps a
		// ConfigMap volume.
		tmp := pol + ".new"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, pol); err != nil {
			t.Fatal(err)
		}
	}
	write("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: none\n")
	build := func() (*scan.Service, error) {
		opt, _, err := scan.NewOptions(scan.Flags{FailOn: "high", PSSLevel: "restricted", PSSVersion: "latest", PolicyFile: pol, MaxFileSize: 1 << 20})
		if err != nil {
			return nil, err
		}
		opt.Now = time.Time{}
		return scan.NewAdmissionService(opt, "admission serve")
	}
	svc, err := build()
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newHandler(t)
	h.Service = svc
	var logs []string
	r := &Reloader{Files: []string{pol}, Build: build, Handler: h, Log: func(s string) { logs = append(logs, s) }}
	r.Start()
	srv := serve(t, h)
	priv := review(t, admissionv1.Create, pod("shop", "debug", true), "shop", "debug")
	if resp, _ := post(t, srv, priv, "application/json"); !resp.Allowed {
		t.Fatalf("failOn: none denied: %+v", resp.Result)
	}
	if changed, _ := r.Check(); changed {
		t.Error("a reload without a change")
	}

	write("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: high\n")
	if changed, err := r.Check(); !changed || err != nil {
		t.Fatalf("edit not picked up: changed %v, %v", changed, err)
	}
	if resp, _ := post(t, srv, priv, "application/json"); resp.Allowed {
		t.Error("failOn: high admitted a privileged pod after the reload")
	}

	write("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: nonsense\n")
	if changed, err := r.Check(); !changed || err == nil {
		t.Fatalf("broken policy: changed %v, err %v", changed, err)
	}
	if resp, _ := post(t, srv, priv, "application/json"); resp.Allowed {
		t.Error("a broken edit opened the door")
	}
	if len(logs) != 2 || !strings.Contains(logs[0], "policy reloaded") || !strings.Contains(logs[1], "previous policy stays in force") {
		t.Errorf("logs %q", logs)
	}
}
