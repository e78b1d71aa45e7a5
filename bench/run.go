package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// scanSettings are the CLI defaults: --pss-level restricted --pss-version
// latest, no policy file.
func scanSettings() check.Settings {
	return check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}}
}

// ScanResult is what one full scan saw.
type ScanResult struct {
	Objects  int
	Findings int
	Errors   int // input errors plus check errors; a benchmark run wants 0
}

// Scan runs exactly what `bulwark scan manifests DIR --format json` runs
// with the CLI defaults (PSS restricted/latest, --fail-on high, every
// check) and writes the JSON report to w (nil: build the report but do not
// render it).
func Scan(ctx context.Context, dir string, w io.Writer) (ScanResult, error) {
	gate, err := decide.ParseFailOn("high")
	if err != nil {
		return ScanResult{}, err
	}
	opt := scan.Options{Settings: scanSettings(), Gate: gate}
	rep, err := scan.Manifests(ctx, []string{dir}, opt)
	if err != nil {
		return ScanResult{}, err
	}
	if w == nil {
		return result(rep), nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := render.JSON(bw, rep); err != nil {
		return ScanResult{}, err
	}
	if err := bw.Flush(); err != nil {
		return ScanResult{}, err
	}
	return result(rep), nil
}

func result(rep *report.Report) ScanResult {
	return ScanResult{
		Objects:  rep.Inventory.Objects,
		Findings: len(rep.Findings),
		Errors:   len(rep.Errors) + len(rep.CheckErrors),
	}
}

// ScanReport is Scan without rendering the report (a diagnostic).
func ScanReport(ctx context.Context, dir string) (ScanResult, error) {
	return Scan(ctx, dir, nil)
}

// Load runs only the scanner's loader (a diagnostic).
func Load(ctx context.Context, dir string) (*manifest.Result, error) {
	return manifest.Load(ctx, []string{dir}, manifest.Options{})
}

// FloorResult is what one decode-floor run produced. Objects holds every
// decoded object so that the floor, like the scan, has all of them in
// memory at the end.
type FloorResult struct {
	Documents int
	Objects   []any
}

// DecodeFloor reads every .yaml/.yml/.json file under dir and decodes each
// document into its typed k8s.io/api object, the way kubectl does: split
// the stream into documents at "---" lines (the logic of
// k8s.io/apimachinery/pkg/util/yaml.YAMLReader), convert each to JSON with
// sigs.k8s.io/yaml's YAMLToJSON (see yamltojson.go), peek apiVersion and
// kind, and json.Unmarshal into the typed struct. That is
// sigs.k8s.io/yaml.Unmarshal's own path, with the YAML parsed once per
// document. Files are spread over a pool of workers
// goroutines (0 means GOMAXPROCS), as the scanner's loader does.
func DecodeFloor(dir string, workers int) (FloorResult, error) {
	files, err := manifestFiles(dir)
	if err != nil {
		return FloorResult{}, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type fileResult struct {
		docs int
		objs []any
		err  error
	}
	results := make([]fileResult, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(files), 1)) {
		wg.Go(func() {
			for i := range next {
				r := &results[i]
				r.docs, r.objs, r.err = decodeFile(files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	var out FloorResult
	for _, r := range results {
		if r.err != nil {
			return FloorResult{}, r.err
		}
		out.Documents += r.docs
		out.Objects = append(out.Objects, r.objs...)
	}
	return out, nil
}

// manifestFiles lists files the way the scanner's loader does.
func manifestFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

func decodeFile(name string) (docs int, objs []any, err error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return 0, nil, err
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, objs, nil
		}
		if err != nil {
			return docs, objs, fmt.Errorf("%s: %w", name, err)
		}
		j, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			return docs, objs, fmt.Errorf("%s: %w", name, err)
		}
		if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
			continue // an empty or comment-only document
		}
		docs++
		var tm metav1.TypeMeta
		if err := json.Unmarshal(j, &tm); err != nil {
			return docs, objs, fmt.Errorf("%s: %w", name, err)
		}
		obj := newTyped(tm)
		if err := json.Unmarshal(j, obj); err != nil {
			return docs, objs, fmt.Errorf("%s: %s %w", name, tm.Kind, err)
		}
		objs = append(objs, obj)
	}
}

// newTyped returns an empty object of the kind's k8s.io/api type, or
// PartialObjectMetadata for a kind without one (as the scanner does).
func newTyped(tm metav1.TypeMeta) any {
	switch tm.Kind {
	case "Pod":
		return &corev1.Pod{}
	case "Service":
		return &corev1.Service{}
	case "ConfigMap":
		return &corev1.ConfigMap{}
	case "Secret":
		return &corev1.Secret{}
	case "ServiceAccount":
		return &corev1.ServiceAccount{}
	case "Namespace":
		return &corev1.Namespace{}
	case "Deployment":
		return &appsv1.Deployment{}
	case "StatefulSet":
		return &appsv1.StatefulSet{}
	case "DaemonSet":
		return &appsv1.DaemonSet{}
	case "ReplicaSet":
		return &appsv1.ReplicaSet{}
	case "Job":
		return &batchv1.Job{}
	case "CronJob":
		return &batchv1.CronJob{}
	}
	return &metav1.PartialObjectMetadata{}
}
