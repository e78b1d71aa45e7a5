package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

var realCorpus = flag.String("corpus.real", filepath.Join("..", RealCorpus), "the real corpus the replicated benchmarks copy")

// BenchmarkOneNamespace runs every check on the replicated real corpus with
// all objects moved into one namespace, at 7,500, 15,000 and 30,000
// objects: every cross-object model (ServiceAccounts, NetworkPolicies,
// RBAC, Services) meets all of them at once. Near-linear means ns/object
// about flat across the three sizes (before the label index and the
// K8S-062 fix it grew ×6.4 for ×4 objects).
//
//	go test -run='^$' -bench=OneNamespace -benchmem ./bench/ -args -corpus.real=/work/shared/corpus/real
func BenchmarkOneNamespace(b *testing.B) {
	if _, err := os.Stat(*realCorpus); err != nil {
		b.Skipf("the real corpus is not at %s (-corpus.real): %v", *realCorpus, err)
	}
	dir := b.TempDir()
	const most = 30_000
	if _, err := Replicate(*realCorpus, dir, most/400+1, 1000, 1); err != nil {
		b.Fatal(err)
	}
	loaded, err := manifest.Load(context.Background(), []string{dir}, manifest.Options{})
	if err != nil || len(loaded.Errors) > 0 {
		b.Fatalf("load: %v %v", err, loaded.Errors)
	}
	if len(loaded.Objects) < most {
		b.Fatalf("replicated only %d objects", len(loaded.Objects))
	}
	for _, o := range loaded.Objects {
		if o.Kind != "Namespace" {
			o.Meta.Namespace = "one"
		}
	}
	settings := scanSettings()
	for _, n := range []int{7_500, 15_000, most} {
		objs := loaded.Objects[:n]
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var findings int
			cpu0 := cpuTime()
			for b.Loop() {
				res := engine.Run(inventory.New(objs), check.All(), &settings, engine.Options{})
				findings = len(res.Findings)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/object")
			// CPU time as well as wall time: on a shared machine wall time
			// follows the other load.
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/object")
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// cpuTime is the process's user+system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
