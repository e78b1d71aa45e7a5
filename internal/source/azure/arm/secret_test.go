package arm

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// TestSecretCostsWhatItHides: the run's budget counts a secret as the value
// it wraps, so a template cannot grow without bound behind a secure
// parameter.
func TestSecretCostsWhatItHides(t *testing.T) {
	v := []any{"0123456789", map[string]any{"k": "abc"}}
	if got, want := azmodel.SizeOf(secret{v}, 1<<20), azmodel.SizeOf(v, 1<<20); got != want {
		t.Errorf("secret costs %d, the value it hides %d", got, want)
	}
	if got, want := azmodel.SizeOf([]any{secret{"0123456789"}}, 1<<20), azmodel.SizeOf([]any{"0123456789"}, 1<<20); got != want {
		t.Errorf("array holding a secret costs %d, want %d", got, want)
	}
}
