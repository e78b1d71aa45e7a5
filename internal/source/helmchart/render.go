package helmchart

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/metrics"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// Options are `helm template`'s flags that change what a chart renders.
type Options struct {
	ValueFiles  []string // --values
	Set         []string // --set
	ReleaseName string   // --release-name; "release-name" as helm template
	Namespace   string   // --namespace; "default"
	KubeVersion string   // --kube-version; Helm's default when empty
	Limits      Limits
}

// Limits bound one render.
type Limits struct {
	// Timeout is the longest a render may take.
	Timeout time.Duration
	// MaxOutput is the most rendered bytes, all templates together.
	MaxOutput int64
	// MaxHeapGrowth is how much the heap may grow while rendering.
	MaxHeapGrowth uint64
	// MaxItems bounds one repeat's bytes and the items of all
	// until/untilStep lists together.
	MaxItems int
}

// DefaultLimits are far above any real chart: the largest public charts
// render a few MiB in well under a second.
var DefaultLimits = Limits{Timeout: 5 * time.Second, MaxOutput: 64 << 20, MaxHeapGrowth: 256 << 20, MaxItems: 1 << 20}

// IsChart reports whether path is a chart: a directory holding Chart.yaml,
// or a packaged chart (.tgz).
func IsChart(p string) bool {
	info, err := os.Stat(p)
	if err != nil {
		return false
	}
	if info.IsDir() {
		_, err := os.Stat(filepath.Join(p, "Chart.yaml"))
		return err == nil
	}
	return info.Mode().IsRegular() && (strings.HasSuffix(p, ".tgz") || strings.HasSuffix(p, ".tar.gz"))
}

// Render renders the chart at p. Each template becomes one document set
// named by its file: p/templates/x.yaml for a chart directory, p/chart/...
// (the path inside the archive) for a .tgz.
func Render(ctx context.Context, p string, opt Options) ([]manifest.Rendered, error) {
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	ch, err := loader.Load(p)
	if err != nil {
		return nil, fmt.Errorf("helm could not load the chart: %w", err)
	}
	vals, err := userValues(opt)
	if err != nil {
		return nil, err
	}
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		return nil, fmt.Errorf("chart dependencies: %w", err)
	}
	caps := common.DefaultCapabilities.Copy()
	if opt.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(opt.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("--kube-version %q: %w", opt.KubeVersion, err)
		}
		caps.KubeVersion = *kv
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", ch.Metadata.KubeVersion, caps.KubeVersion.Version)
	}
	rel := common.ReleaseOptions{Name: opt.ReleaseName, Namespace: opt.Namespace, Revision: 1, IsInstall: true}
	if rel.Name == "" {
		rel.Name = "release-name"
	}
	if rel.Namespace == "" {
		rel.Namespace = "default"
	}
	top, err := util.ToRenderValues(ch, vals, rel, caps)
	if err != nil {
		return nil, err
	}
	files, err := renderBounded(ctx, ch, top, opt.Limits)
	if err != nil {
		return nil, err
	}
	return documents(p, ch, files), nil
}

// documents names every rendered template by its source file, in a
// stable order, with the template's text for locating lines.
func documents(p string, ch *chart.Chart, files map[string]string) []manifest.Rendered {
	sources := map[string][]byte{}
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		for _, t := range c.Templates {
			if t != nil {
				sources[path.Join(c.ChartFullPath(), t.Name)] = t.Data
			}
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(ch)
	names := make([]string, 0, len(files))
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue // shown to the user, never applied
		}
		names = append(names, name)
	}
	sort.Strings(names)
	info, _ := os.Stat(p)
	out := make([]manifest.Rendered, 0, len(names))
	for _, name := range names {
		display := filepath.Join(p, name)
		if info != nil && info.IsDir() {
			// The first element is the chart's name, not its directory's.
			_, rest, _ := strings.Cut(name, "/")
			display = filepath.Join(p, filepath.FromSlash(rest))
		}
		out = append(out, manifest.Rendered{Name: display, Data: []byte(files[name]), Source: sources[name]})
	}
	return out
}

var errAborted = errors.New("render stopped")

// renderBounded runs Helm's engine under lim. The engine has no hook to
// stop a render: a watchdog checks the clock and the heap and, past a
// bound, returns an error at once and makes the bounded functions panic
// (which the engine recovers) so that the render unwinds at its next
// loop or repeat. A render that calls none of them runs on until the
// process ends: the CLI exits on the error.
func renderBounded(ctx context.Context, ch *chart.Chart, top common.Values, lim Limits) (map[string]string, error) {
	var stop atomic.Bool
	var made atomic.Int64
	e := engine.Engine{CustomTemplateFuncs: boundedFuncs(&stop, &made, lim)}
	type result struct {
		files map[string]string
		err   error
	}
	done := make(chan result, 1)
	base := heapBytes()
	go func() {
		files, err := e.RenderWithContext(ctx, ch, top)
		done <- result{files, err}
	}()
	timer := time.NewTimer(lim.Timeout)
	defer timer.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			if r.err != nil {
				return nil, fmt.Errorf("helm could not render the chart: %w", r.err)
			}
			var n int64
			for _, s := range r.files {
				n += int64(len(s))
			}
			if n > lim.MaxOutput {
				return nil, fmt.Errorf("the chart renders %d MiB, more than the %d MiB limit", n>>20, lim.MaxOutput>>20)
			}
			return r.files, nil
		case <-ctx.Done():
			stop.Store(true)
			return nil, ctx.Err()
		case <-timer.C:
			stop.Store(true)
			return nil, fmt.Errorf("rendering the chart took longer than %v: stopped (a template bomb?)", lim.Timeout)
		case <-tick.C:
			if h := heapBytes(); h > base && h-base > lim.MaxHeapGrowth {
				stop.Store(true)
				return nil, fmt.Errorf("rendering the chart used more than %d MiB of memory: stopped (a template bomb?)", lim.MaxHeapGrowth>>20)
			}
			if made.Load() > lim.MaxOutput {
				stop.Store(true)
				return nil, fmt.Errorf("the chart's repeat calls made more than %d MiB: stopped (a template bomb?)", lim.MaxOutput>>20)
			}
		}
	}
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes() uint64 {
	s := make([]metrics.Sample, 1)
	copy(s, heapSample)
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// boundedFuncs replace the sprig functions that make output or loops
// from a number in the chart: one line of template could otherwise ask
// for terabytes.
func boundedFuncs(stop *atomic.Bool, made *atomic.Int64, lim Limits) map[string]any {
	var items atomic.Int64
	check := func(fn string, n int, bytes bool) error {
		if stop.Load() {
			panic(errAborted)
		}
		if n > lim.MaxItems || n < -lim.MaxItems {
			return fmt.Errorf("%s %d: more than the %d allowed", fn, n, lim.MaxItems)
		}
		n = max(n, -n)
		if bytes && made.Add(int64(n)) > lim.MaxOutput {
			return fmt.Errorf("%s: the chart's repeat calls made more than %d MiB", fn, lim.MaxOutput>>20)
		}
		if !bytes && items.Add(int64(n)) > int64(lim.MaxItems) {
			return fmt.Errorf("%s: the chart's loops made more than %d items in all", fn, lim.MaxItems)
		}
		return nil
	}
	return map[string]any{
		"repeat": func(count int, str string) (string, error) {
			if err := check("repeat", count*max(len(str), 1), true); err != nil {
				return "", err
			}
			return strings.Repeat(str, max(count, 0)), nil
		},
		"until": func(count int) ([]int, error) {
			if err := check("until", count, false); err != nil {
				return nil, err
			}
			step := 1
			if count < 0 {
				step = -1
			}
			return untilStep(0, count, step), nil
		},
		"untilStep": func(start, stop, step int) ([]int, error) {
			if step != 0 {
				if err := check("untilStep", (stop-start)/step, false); err != nil {
					return nil, err
				}
			}
			return untilStep(start, stop, step), nil
		},
	}
}

// untilStep is sprig's.
func untilStep(start, stop, step int) []int {
	v := []int{}
	if stop < start {
		if step >= 0 {
			return v
		}
		for i := start; i > stop; i += step {
			v = append(v, i)
		}
		return v
	}
	if step <= 0 {
		return v
	}
	for i := start; i < stop; i += step {
		v = append(v, i)
	}
	return v
}

// userValues merges --values files (read from disk, never fetched) and
// then --set, as helm does.
// maxValuesFile bounds one --values file; real ones are kilobytes.
const maxValuesFile = 16 << 20

func userValues(opt Options) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range opt.ValueFiles {
		// Helm's ReadValuesFile reads any file whole: a FIFO would hang
		// the run and a sparse file exhaust it.
		data, err := regularfile.Read(f, maxValuesFile)
		if err != nil {
			return nil, fmt.Errorf("--values %s: %w", f, err)
		}
		v, err := common.ReadValues(data)
		if err != nil {
			return nil, fmt.Errorf("--values %s: %w", f, err)
		}
		base = mergeMaps(base, v)
	}
	for _, s := range opt.Set {
		if err := strvals.ParseInto(s, base); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	return base, nil
}

// mergeMaps is helm's (pkg/cli/values): b wins, maps merge recursively.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bm, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bm, vm)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}
