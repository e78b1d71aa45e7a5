package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

// chromium finds Debian's Chromium (hack/install-tools.sh installs it and
// exports BULWARK_CHROMIUM).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BULWARK_CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	needs.Missing(t, "chromium not found: run hack/install-tools.sh (apt-get install chromium)")
	return ""
}

// TestReportInBrowser writes the posture report of the assessed examples,
// opens it from disk in headless Chromium, searches, filters, and checks
// which findings rows are visible; the screenshots are test artifacts
// (go test -artifacts), and with BULWARK_UPDATE_SCREENSHOTS=1 also the
// pictures in docs/.
func TestReportInBrowser(t *testing.T) {
	exe := chromium(t)
	dir := t.TempDir()
	result, page := filepath.Join(dir, "result.json"), filepath.Join(dir, "report.html")
	if code, _, stderr := run(t, "", "assess", "../../examples/insecure", "--aks", "../../examples/aks/default", "--as-of", "2026-11-26", "-f", "json", "-o", result); code != 1 {
		t.Fatalf("assess: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "report", result, "-o", page); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(result)
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	k8s063, onPath := 0, 0
	for _, f := range rep.Findings {
		if strings.Contains(strings.ToLower(f.CheckID+" "+f.Message), "k8s-063") {
			k8s063++
		}
		if f.AttackPaths > 0 {
			onPath++
		}
	}
	if k8s063 == 0 || onPath == 0 || onPath == len(rep.Findings) {
		t.Fatalf("fixture: %d K8S-063 findings, %d of %d on paths", k8s063, onPath, len(rep.Findings))
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	const visible = `Array.from(document.querySelectorAll('#findings tbody tr.f')).filter(r => !r.hidden && r.offsetParent !== null).length`
	count := func() int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	do := func(a ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for _, x := range a {
			if err := chromedp.Do(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	do(chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.ID("q")))
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.path svg').length`))
	if err != nil {
		t.Fatal(err)
	}
	all := count()
	top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	do(chromedp.SendKeys(chromedp.ID("q"), "K8S-063"))
	searched := count()
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("shown")))
	if err != nil {
		t.Fatal(err)
	}
	// Empty the search box (a select-all and delete, done in the page),
	// then tick the filter with a click.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input')); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != len(rep.Findings) {
		t.Errorf("search emptied: %d rows visible, want %d", n, len(rep.Findings))
	}
	do(chromedp.Click(chromedp.ID("onpath")))
	filtered := count()
	// The third path: a Service, its workload, the ServiceAccount.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.querySelectorAll('.path')[2].scrollIntoView(); return true })()`)); err != nil {
		t.Fatal(err)
	}
	paths, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	do(chromedp.ScrollIntoView(chromedp.ID("h-findings")))
	findingsShot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if title != "Bulwark posture report" || svgs != len(rep.AttackPaths) {
		t.Errorf("title %q, %d path graphs for %d paths", title, svgs, len(rep.AttackPaths))
	}
	if all != len(rep.Findings) {
		t.Errorf("%d rows visible, want every finding (%d)", all, len(rep.Findings))
	}
	if searched != k8s063 || shown != fmt.Sprintf("%d of %d findings shown", k8s063, len(rep.Findings)) {
		t.Errorf("search K8S-063: %d rows visible (%q), want %d", searched, shown, k8s063)
	}
	if filtered != onPath {
		t.Errorf("only on attack paths: %d rows visible, want %d", filtered, onPath)
	}
	art := t.ArtifactDir()
	for name, png := range map[string][]byte{"report-overview.png": top, "report-paths.png": paths, "report-findings.png": findingsShot} {
		if len(png) < 8 || string(png[1:4]) != "PNG" {
			t.Fatalf("%s is not a PNG", name)
		}
		if err := os.WriteFile(filepath.Join(art, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if os.Getenv("BULWARK_UPDATE_SCREENSHOTS") != "" {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
