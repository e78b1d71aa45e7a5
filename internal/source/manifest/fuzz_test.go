package manifest

import (
	"testing"
)

// FuzzParse feeds arbitrary bytes to the parser: it must return objects,
// skips or located errors, never panic or run away.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}]\n",
		"a: &a [1]\nb: [*a, *a]\n",
		"apiVersion: v1\nkind: ConfigMap\ndata: &d\n  <<: *d\n",
		"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":1}}",
		"---\n---\n# c\n",
		"apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: true\n  hostNetwork: false\n",
	} {
		f.Add([]byte(seed))
	}
	lim := DefaultLimits
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Parse("fuzz.yaml", data, lim)
		for _, o := range p.Objects {
			if o.Meta == nil || o.Kind == "" || o.APIVersion == "" {
				t.Fatalf("object without identity: %+v", o)
			}
			_ = o.Locate("spec.template.spec.containers[0].image")
			_, _ = o.PodSpec()
		}
		for _, e := range p.Errors {
			if e.File != "fuzz.yaml" || e.Msg == "" {
				t.Fatalf("unlocated error: %+v", e)
			}
		}
	})
}
