package inventory

import (
	"sync"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

func TestDerivedBuildsOnce(t *testing.T) {
	inv := New(nil)
	var builds atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			v := inv.Derived("model", func(*Inventory) any { builds.Add(1); return 42 })
			if v.(int) != 42 {
				t.Error("wrong value")
			}
		})
	}
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("built %d times", builds.Load())
	}
	if inv.Derived("other", func(*Inventory) any { return "x" }) != "x" {
		t.Error("keys are not separate")
	}
}

func TestLocatorOverride(t *testing.T) {
	o := NewObject(metav1.TypeMeta{Kind: "ManagedCluster"}, nil, nil, finding.Location{Resource: "/subscriptions/s/x"}, nil)
	if got := o.Locate("properties.x").String(); got != "/subscriptions/s/x" {
		t.Errorf("default location %q", got)
	}
	o.SetLocator(func(p string) finding.Location { return finding.Location{File: "c.json", Line: len(p)} })
	if got := o.Locate("properties.x"); got.Line != 12 {
		t.Errorf("locator not used: %+v", got)
	}
}
