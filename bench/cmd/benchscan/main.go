// Command benchscan runs one full Bulwark scan, or one decode-floor pass,
// over generated manifests and prints its wall time, throughput and peak
// RSS. Run each mode in its own process so that the peak RSS (VmHWM) is
// that mode's alone; bench/run.sh does that.
//
//	benchscan -gen -dir /tmp/m -objects 10000 -files 1000   # generate only
//	benchscan -mode scan  -dir /tmp/m
//	benchscan -mode floor -dir /tmp/m
//	benchscan -replicate ../shared/corpus/real -mult 57 -dir /tmp/r   # the replicated real corpus
//
// The result is one line of key=value pairs, easy to parse from a script.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bulwark-sec/bulwark/bench"
)

func main() {
	var (
		dir     = flag.String("dir", "", "directory of manifests (generated there with -gen)")
		gen     = flag.Bool("gen", false, "generate manifests into -dir (which must be empty) and exit unless -mode is given")
		repl    = flag.String("replicate", "", "instead of generating, replicate the manifests under this directory (see -mult) into -dir")
		mult    = flag.Int("mult", 57, "with -replicate: copies of every object (57 turns the 471 objects of the real corpus into 26,847)")
		objects = flag.Int("objects", 10_000, "objects to generate")
		files   = flag.Int("files", 1_000, "files to spread them over")
		seed    = flag.Uint64("seed", 1, "generator seed")
		mode    = flag.String("mode", "", "scan (full scan, JSON report to -out), floor (decode only); diagnostics: load (the scanner's loader only), scan-norender (scan without writing the report)")
		out     = flag.String("out", os.DevNull, "where the scan writes its JSON report")
		cpuprof = flag.String("cpuprofile", "", "write a CPU profile of the measured run to this file")
	)
	flag.Parse()
	if *dir == "" {
		fail("-dir is required")
	}
	if *repl != "" {
		start := time.Now()
		n, err := bench.Replicate(*repl, *dir, *mult, *files, *seed)
		if err != nil {
			fail("%v", err)
		}
		fmt.Printf("mode=replicate objects=%d mult=%d files=%d seed=%d wall_s=%.3f\n", n, *mult, *files, *seed, time.Since(start).Seconds())
		if *mode == "" {
			return
		}
	}
	if *gen {
		start := time.Now()
		if err := bench.Generate(*dir, *objects, *files, *seed); err != nil {
			fail("%v", err)
		}
		fmt.Printf("mode=gen objects=%d files=%d seed=%d wall_s=%.3f\n", *objects, *files, *seed, time.Since(start).Seconds())
		if *mode == "" {
			return
		}
	}
	if *mode == "" {
		*mode = "scan"
	}

	var (
		n     int
		extra string
		start time.Time
		wall  time.Duration
	)
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fail("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail("%v", err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	switch *mode {
	case "scan":
		f, err := os.Create(*out)
		if err != nil {
			fail("%v", err)
		}
		var w io.Writer = f
		start = time.Now()
		res, err := bench.Scan(context.Background(), *dir, w)
		wall = time.Since(start)
		if err != nil {
			fail("%v", err)
		}
		if err := f.Close(); err != nil {
			fail("%v", err)
		}
		n = res.Objects
		extra = fmt.Sprintf(" findings=%d errors=%d", res.Findings, res.Errors)
	case "floor":
		start = time.Now()
		res, err := bench.DecodeFloor(*dir, 0)
		wall = time.Since(start)
		if err != nil {
			fail("%v", err)
		}
		n = len(res.Objects)
		extra = fmt.Sprintf(" documents=%d", res.Documents)
		runtime.KeepAlive(res.Objects)
	case "load", "scan-norender":
		// Diagnostics: how much of the scan's time and memory is the loader
		// alone, and how much the JSON rendering adds.
		start = time.Now()
		if *mode == "load" {
			res, err := bench.Load(context.Background(), *dir)
			wall = time.Since(start)
			if err != nil {
				fail("%v", err)
			}
			n = len(res.Objects)
			// What the loaded objects keep alive (after the timing).
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			extra = fmt.Sprintf(" live_heap_mb=%.1f", float64(ms.HeapAlloc)/(1<<20))
			runtime.KeepAlive(res)
		} else {
			res, err := bench.ScanReport(context.Background(), *dir)
			wall = time.Since(start)
			if err != nil {
				fail("%v", err)
			}
			n = res.Objects
			extra = fmt.Sprintf(" findings=%d errors=%d", res.Findings, res.Errors)
		}
	default:
		fail("-mode %q: want scan, floor, load or scan-norender", *mode)
	}
	hwm, rss := procStatus("VmHWM"), procStatus("VmRSS")
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	// cpu_s is the whole process's user+system time (startup and, with
	// -gen, generation included): on a shared machine it says what the run
	// costs when wall time is inflated by other load.
	fmt.Printf("mode=%s objects=%d wall_s=%.4f objects_per_s=%.0f peak_rss_mb=%.1f rss_mb=%.1f cpu_s=%.3f gomaxprocs=%d%s\n",
		*mode, n, wall.Seconds(), float64(n)/wall.Seconds(), float64(hwm)/1024, float64(rss)/1024, cpu.Seconds(), runtime.GOMAXPROCS(0), extra)
}

// procStatus returns a field of /proc/self/status in KiB (0 if absent).
func procStatus(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && k == key {
			fields := strings.Fields(v) // "123456 kB"
			if len(fields) > 0 {
				n, _ := strconv.ParseInt(fields[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchscan: "+format+"\n", args...)
	os.Exit(2)
}
