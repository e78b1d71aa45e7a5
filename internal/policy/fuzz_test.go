package policy

import "testing"

// FuzzParse: any bytes give a policy or located errors, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte(Starter))
	f.Add([]byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\ngracePeriods: {high: 99999d}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err == nil && (p.APIVersion != APIVersion || p.Kind != Kind) {
			t.Fatalf("accepted a policy with apiVersion %q kind %q", p.APIVersion, p.Kind)
		}
	})
}
