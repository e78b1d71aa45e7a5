package adversarial

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the bulwark binary under test, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bulwark-adversarial-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "bulwark")
	build := exec.Command("go", "build", "-o", bin, "github.com/bulwark-sec/bulwark/cmd/bulwark")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building bulwark:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	if err := calibrate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startRSSCeiling is the most the binary may need before it reads any
// input. The measure is mostly the executable's own pages, which grow with
// the libraries linked in (Helm, Kustomize, cel-go): a ceiling, not a
// constant, so that a library's weight is a decision and not a surprise.
const startRSSCeiling = 160 << 20

// headroom is what a run may use over the binary's start-up RSS before
// its input is charged: the parsers', checks' and renderers' fixed costs.
const headroom = 32 << 20

// calibrate measures the binary's peak RSS with no input (bulwark version)
// and sets baseRSS from it.
func calibrate() error {
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("bulwark version: %v\n%s", err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return fmt.Errorf("no resource usage for bulwark version")
	}
	start := ru.Maxrss << 10
	if start > startRSSCeiling {
		return fmt.Errorf("bulwark version peaks at %d MiB of RSS, over the %d MiB the binary may need at start", start>>20, startRSSCeiling>>20)
	}
	baseRSS = start + headroom
	fmt.Fprintf(os.Stderr, "bulwark needs %d MiB at start: runs are bounded by %d MiB + a multiple of their input\n", start>>20, baseRSS>>20)
	return nil
}

// Limits bound one run. The kernel enforces CPU and address space (prlimit),
// the harness the wall time; peak RSS is measured and compared by the test.
type Limits struct {
	// Wall is the longest the run may take; the harness kills it after
	// that and fails the test. Default 10 s, the documented bound.
	Wall time.Duration
	// CPU is RLIMIT_CPU in seconds. Default 20 (10 s on both cores).
	CPU int
	// AddressSpace is RLIMIT_AS in bytes. Default 4 GiB: far above every
	// bound we promise, low enough that a runaway allocation fails fast
	// instead of taking the machine.
	AddressSpace int64
}

// Result is one run of the binary.
type Result struct {
	Code           int
	Stdout, Stderr string
	Wall           time.Duration
	MaxRSS         int64 // bytes
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d in %v, peak RSS %d MiB\nstderr: %s", r.Code, r.Wall.Round(time.Millisecond), r.MaxRSS>>20, clip(r.Stderr))
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// Run runs bulwark with args under lim, with stdin (may be nil), in dir
// (the test's temp dir when empty).
func Run(t *testing.T, lim Limits, stdin io.Reader, args ...string) Result {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the limits need Linux prlimit")
	}
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Fatalf("prlimit (util-linux) is required: %v", err)
	}
	if lim.Wall == 0 {
		lim.Wall = 10 * time.Second
	}
	if lim.CPU == 0 {
		lim.CPU = 20
	}
	if lim.AddressSpace == 0 {
		lim.AddressSpace = 4 << 30
	}
	ctx, cancel := context.WithTimeout(context.Background(), lim.Wall)
	defer cancel()
	full := append([]string{
		fmt.Sprintf("--cpu=%d", lim.CPU),
		fmt.Sprintf("--as=%d", lim.AddressSpace),
		// No core files from a killed run.
		"--core=0",
		bin,
	}, args...)
	cmd := exec.CommandContext(ctx, prlimit, full...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = stdin
	cmd.Dir = t.TempDir()
	// Keep the user's policy, caches and colour out of the run.
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HOME="+cmd.Dir, "XDG_CACHE_HOME="+filepath.Join(cmd.Dir, "cache"))
	// The child starts with this process's peak RSS: lower it first so
	// that the measure is the binary's own.
	ResetPeakRSS(t)
	start := time.Now()
	err = cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss << 10 // KiB on Linux
	}
	if ctx.Err() != nil {
		t.Fatalf("bulwark %s: still running after %v (killed); %s", strings.Join(args, " "), lim.Wall, r)
	}
	r.Code = cmd.ProcessState.ExitCode()
	if err != nil && r.Code < 0 {
		t.Fatalf("bulwark %s: %v; %s", strings.Join(args, " "), err, r)
	}
	t.Logf("bulwark %s: %s", strings.Join(args, " "), r)
	return r
}

// baseRSS is what the binary needs with no input to speak of, measured by
// calibrate: the memory bound of a run is this plus a multiple of its
// input's size.
var baseRSS int64

// ExpectBoundError asserts that r ended with exit 2, a message containing
// each of msgs on stderr, no panic, and a peak RSS within baseRSS plus
// factor times inputSize.
func ExpectBoundError(t *testing.T, r Result, inputSize int64, factor int64, msgs ...string) {
	t.Helper()
	if r.Code != 2 {
		t.Errorf("exit %d, want 2; %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	for _, m := range msgs {
		if !strings.Contains(r.Stderr, m) {
			t.Errorf("stderr lacks %q; %s", m, r)
		}
	}
	ExpectRSS(t, r, inputSize, factor)
}

// ExpectRSS asserts the peak RSS bound.
func ExpectRSS(t *testing.T, r Result, inputSize int64, factor int64) {
	t.Helper()
	// The child's peak RSS starts at this process's RSS (Go spawns with
	// vfork, and exec keeps the shared mm's high-water mark), and under the
	// race detector this process's shadow memory alone is hundreds of MiB.
	// hack/test.sh runs this package without -race.
	if raceEnabled {
		t.Logf("peak RSS %d MiB not checked: built with -race, the measure includes the test's own shadow memory", r.MaxRSS>>20)
		return
	}
	if limit := baseRSS + factor*inputSize; r.MaxRSS > limit {
		t.Errorf("peak RSS %d MiB over the bound %d MiB (%d MiB + %d× %d KiB input)",
			r.MaxRSS>>20, limit>>20, baseRSS>>20, factor, inputSize>>10)
	}
}

// ExpectNoPanic asserts the run did not crash.
func ExpectNoPanic(t *testing.T, r Result) {
	t.Helper()
	for _, s := range []string{"panic:", "goroutine ", "fatal error:", "runtime: out of memory"} {
		if strings.Contains(r.Stderr, s) {
			t.Errorf("the run crashed (%q); %s", s, r)
		}
	}
}

// WriteFile writes data to name in dir and returns its path.
func WriteFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ResetPeakRSS lowers this test process's peak RSS to its current RSS.
// Run's measure is the child's peak, and Linux starts a child that the Go
// runtime spawns (vfork, sharing this process's memory until exec) with
// the parent's peak: a test that built a large input in memory would
// otherwise see its own peak charged to the binary. Call it before Run
// after building large inputs; Run calls it itself.
func ResetPeakRSS(t *testing.T) {
	t.Helper()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS (%v): the measure may include the test's own", err)
	}
}
