package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
)

const customKinds = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1
        securityContext: {privileged: true}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls, namespace: shop}
spec: {secretName: tls}
`

// TestCustomKindsJudgedOrListed: a custom workload is judged through its
// pod template by every workload check, and its findings say so; an
// object nothing judges is listed as not assessed in every format.
func TestCustomKindsJudgedOrListed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(customKinds), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Manifests(context.Background(), []string{dir}, Options{
		Settings: check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		Gate:     decide.Gate{FailOn: finding.SeverityHigh},
	})
	if err != nil {
		t.Fatal(err)
	}
	var privileged *report.Finding
	ids := map[string]bool{}
	for i, f := range rep.Findings {
		if f.Subject.Kind == "Rollout" {
			ids[f.CheckID] = true
			if !strings.Contains(f.Message, "judged through spec.template as a Deployment's pod template") {
				t.Errorf("%s finding without the note: %s", f.CheckID, f.Message)
			}
		}
		if f.CheckID == "K8S-001" {
			privileged = &rep.Findings[i]
		}
	}
	if privileged == nil || privileged.Location.Line != 10 || !privileged.Blocking {
		t.Fatalf("privileged Rollout container not reported at line 10: %+v", privileged)
	}
	// Workload checks beyond Pod Security judge it too.
	for _, id := range []string{"K8S-001", "K8S-050", "K8S-080"} {
		if !ids[id] {
			t.Errorf("no %s finding on the Rollout; got %v", id, ids)
		}
	}
	if rep.Summary.ExitCode != 1 {
		t.Errorf("exit %d, want 1", rep.Summary.ExitCode)
	}
	inv := rep.Inventory
	if len(inv.ViaTemplate) != 1 || inv.ViaTemplate[0].Kind != "Rollout" || inv.ViaTemplate[0].Line != 1 {
		t.Errorf("judged through template: %+v", inv.ViaTemplate)
	}
	if len(inv.NotAssessed) != 1 || inv.NotAssessed[0].Kind != "Certificate" || inv.NotAssessed[0].Line != 12 {
		t.Fatalf("not assessed: %+v", inv.NotAssessed)
	}

	for format, want := range map[string][]string{
		"table": {"Not assessed (1): no checks for their kind:", "c.yaml:12: Certificate/shop/tls: Bulwark has no checks for kind Certificate",
			"Judged through their pod template (1)", "Rollout/shop/web: judged through spec.template"},
		"json":  {`"objectsNotAssessed": [`, `"kind": "Certificate"`, `"judgedThroughTemplate": [`},
		"sarif": {`"level": "note"`, "Certificate/shop/tls not assessed: Bulwark has no checks for kind Certificate"},
		"junit": {`<testsuite name="bulwark not assessed"`, "not assessed: Bulwark has no checks for kind Certificate"},
	} {
		var buf bytes.Buffer
		if err := render.Write(&buf, format, rep, render.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s output lacks %q", format, w)
			}
		}
	}
}
