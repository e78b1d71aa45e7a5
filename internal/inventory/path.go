package inventory

import (
	"iter"
	"strconv"
	"strings"
)

type pathSegment struct {
	key     string
	index   int
	isIndex bool
}

// segments yields the parts of the paths printed by k8s.io/apimachinery's
// field.Path: dotted keys, [N] for list items and [key] for map keys that
// contain dots (annotations, labels, ConfigMap data keys). It allocates
// nothing: every finding of a scan is located through it.
func segments(p string) iter.Seq[pathSegment] {
	return func(yield func(pathSegment) bool) {
		for len(p) > 0 {
			var seg pathSegment
			switch p[0] {
			case '.':
				p = p[1:]
				continue
			case '[':
				end := strings.IndexByte(p, ']')
				if end < 0 {
					yield(pathSegment{key: p[1:]})
					return
				}
				inner := p[1:end]
				seg = pathSegment{key: inner}
				// Atoi's error for a map key would allocate: look first.
				if isDigits(inner) {
					if n, err := strconv.Atoi(inner); err == nil {
						seg = pathSegment{index: n, isIndex: true}
					}
				}
				p = p[end+1:]
			default:
				end := strings.IndexAny(p, ".[")
				if end < 0 {
					end = len(p)
				}
				seg = pathSegment{key: p[:end]}
				p = p[end:]
			}
			if !yield(seg) {
				return
			}
		}
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
