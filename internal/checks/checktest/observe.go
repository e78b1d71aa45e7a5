package checktest

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// outcomes records, per check id, whether a test saw it fire and saw it
// stay quiet on an object it applies to.
var (
	mu       sync.Mutex
	outcomes = map[string]*outcome{}
)

type outcome struct{ fired, quiet bool }

// Observe records what checks did on objs: each fired if one of fs is
// its, and stayed quiet if it applies to one of objs and reported nothing
// on it. Every helper that evaluates a check for a test calls it.
func Observe(checks []*check.Check, objs []*inventory.Object, fs []finding.Finding) {
	mu.Lock()
	defer mu.Unlock()
	for _, c := range checks {
		o := outcomes[c.ID]
		if o == nil {
			o = &outcome{}
			outcomes[c.ID] = o
		}
		judged := map[string]bool{}
		for _, f := range fs {
			if f.CheckID == c.ID {
				o.fired = true
				judged[f.Subject.Key()] = true
			}
		}
		for _, obj := range objs {
			if c.AppliesTo(obj.Kind) && !judged[obj.Subject().Key()] {
				o.quiet = true
				break
			}
		}
	}
}

// Main runs a check package's tests and then requires that every check
// the package declares was seen, through its registered Eval, both firing
// and staying quiet on an object it applies to. A check that always
// fires, or never does, fails its package's tests however its own tests
// are written. The requirement is skipped when the run is narrowed with
// -run or -skip, which leaves tests out on purpose.
//
//	func TestMain(m *testing.M) { checktest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 && !narrowed() {
		if missing := unexercised(callerPackage()); len(missing) > 0 {
			fmt.Fprintln(os.Stderr, "checks without a test case both ways (fires / stays quiet on an object it applies to):")
			for _, s := range missing {
				fmt.Fprintln(os.Stderr, "  "+s)
			}
			code = 1
		}
	}
	os.Exit(code)
}

func narrowed() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return true
		}
	}
	return false
}

// unexercised lists the checks whose Eval is declared in pkg and lack an
// outcome.
func unexercised(pkg string) []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	declared := 0
	for _, c := range check.All() {
		if PackageOf(c) != pkg {
			continue
		}
		declared++
		o := outcomes[c.ID]
		switch {
		case o == nil || !o.fired && !o.quiet:
			out = append(out, c.ID+": never evaluated")
		case !o.fired:
			out = append(out, c.ID+": never fires")
		case !o.quiet:
			out = append(out, c.ID+": never stays quiet")
		}
	}
	if declared == 0 {
		out = append(out, pkg+" declares no checks (is Main called from a check package's TestMain?)")
	}
	return out
}

// PackageOf is the import path of the package that declares c's Eval (or Detect).
func PackageOf(c *check.Check) string {
	fn := reflect.ValueOf(c.Eval)
	if c.Eval == nil {
		fn = reflect.ValueOf(c.Detect)
	}
	return packageOfFunc(runtime.FuncForPC(fn.Pointer()).Name())
}

func callerPackage() string {
	pc, _, _, _ := runtime.Caller(2)
	return packageOfFunc(runtime.FuncForPC(pc).Name())
}

// packageOfFunc cuts "example.com/a/pkg.Func.func1" to "example.com/a/pkg".
func packageOfFunc(name string) string {
	slash := strings.LastIndex(name, "/")
	if dot := strings.Index(name[slash+1:], "."); dot >= 0 {
		return name[:slash+1+dot]
	}
	return name
}
