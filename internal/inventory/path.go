package inventory

import (
	"strconv"
	"strings"
)

type pathSegment struct {
	key     string
	index   int
	isIndex bool
}

// splitPath parses the paths printed by k8s.io/apimachinery's field.Path:
// dotted keys, [N] for list items and [key] for map keys that contain dots
// (annotations, labels, ConfigMap data keys).
func splitPath(p string) []pathSegment {
	var segs []pathSegment
	for len(p) > 0 {
		switch p[0] {
		case '.':
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(segs, pathSegment{key: p[1:]})
			}
			inner := p[1:end]
			if n, err := strconv.Atoi(inner); err == nil {
				segs = append(segs, pathSegment{index: n, isIndex: true})
			} else {
				segs = append(segs, pathSegment{key: inner})
			}
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, pathSegment{key: p[:end]})
			p = p[end:]
		}
	}
	return segs
}
