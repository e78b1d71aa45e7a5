package adversarial

import (
	"strings"
	"testing"
)

// format() output that outgrows its arguments (alignment {0,1000}, the
// N99 number format) is counted as it is produced: a
// few hundred kilobytes of placeholders must stop at the bytes limit
// without first building a string a hundred times the input's size.
func TestARMFormatGrowthBounded(t *testing.T) {
	for name, item := range map[string]string{
		"alignment":     "{0,1000}",
		"number format": "{1:N99}",
	} {
		t.Run(name, func(t *testing.T) {
			f := strings.Repeat(item, 600<<10/len(item))
			doc := armHead + `"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "tags": {"t": "[format('` + f + `', 'x', 1)]"}}]}`
			p := WriteFile(t, t.TempDir(), "main.json", []byte(doc))
			r := Run(t, Limits{}, nil, "scan", "aks", p, "-f", "json")
			ExpectBoundError(t, r, int64(len(doc)), 20, "main.json:", "bytes (limit)")
		})
	}
}
