package azmodel

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
)

// Fields that older API versions, which still deploy, spell or place
// differently from the SDK's (the checks read the SDK's). Read in their
// old place they would be judged absent: each is moved to where the
// checks read it, its position kept. Terraform's azurerm names of both
// generations are mapped in terraform.go.
type legacyField struct {
	// from and to are ARM paths (segments), compared case-insensitively.
	from, to []string
	// convert turns the old value into the new one; nil keeps it.
	convert func(any) any
	// api is where the old spelling comes from, for the record.
	api string
}

var legacyFields = map[Kind][]legacyField{
	KindCluster: {
		{
			from: []string{"properties", "apiServerAuthorizedIPRanges"},
			to:   []string{"properties", "apiServerAccessProfile", "authorizedIPRanges"},
			api:  "Microsoft.ContainerService 2019-02-01 (preview of authorized IP ranges); apiServerAccessProfile from 2019-06-01",
		},
		{
			from: []string{"properties", "securityProfile", "azureDefender"},
			to:   []string{"properties", "securityProfile", "defender"},
			convert: func(v any) any {
				m, ok := v.(map[string]any)
				if !ok {
					return v
				}
				out := map[string]any{}
				for k, val := range m {
					switch strings.ToLower(k) {
					case "enabled":
						out["securityMonitoring"] = map[string]any{"enabled": val}
					case "loganalyticsworkspaceresourceid":
						out["logAnalyticsWorkspaceResourceId"] = val
					}
				}
				return out
			},
			api: "Microsoft.ContainerService 2021-07-01-preview to 2022-04-02-preview (securityProfile.azureDefender); securityProfile.defender from 2022-05-02-preview",
		},
	},
}

// oldestMapped is the oldest API version, per kind, whose differences
// from the SDK's are all in legacyFields. A resource declared with an
// older apiVersion (or one that is not a date) may spell what the checks
// read in ways Bulwark does not know: its properties are a gap, not
// judged as absent.
var oldestMapped = map[Kind]string{
	KindCluster: "2019-02-01",
	KindPool:    "2019-02-01",
}

// ApplyLegacy moves old spellings to the SDK's in arm, recording where
// they came from in l.
func ApplyLegacy(k Kind, arm map[string]any, l *Locator) {
	for _, f := range legacyFields[k] {
		parent := lookupMap(arm, f.from[:len(f.from)-1])
		if parent == nil {
			continue
		}
		key, v, ok := lookupKey(parent, f.from[len(f.from)-1])
		if !ok {
			continue
		}
		if _, exists := aksmodel.Lookup(arm, f.to...); exists {
			continue // both spellings: the current one is what deploys
		}
		delete(parent, key)
		if f.convert != nil {
			v = f.convert(v)
		}
		setPathFold(arm, f.to, v)
		if l != nil {
			if p, ok := l.get(f.from); ok {
				l.Set(f.to, p)
			}
		}
	}
}

// LegacyGap records a gap on properties when the declared apiVersion is
// older than what legacyFields maps, or cannot be read.
func LegacyGap(k Kind, apiVersion any, gaps aksmodel.Gaps) {
	oldest, ok := oldestMapped[k]
	if !ok {
		return
	}
	s, isStr := apiVersion.(string)
	switch {
	case apiVersion == nil:
		return
	case !isStr || len(s) < len("2006-01-02") || !isDate(s[:10]):
		gaps.Add("properties", "the apiVersion is not known before deployment; fields of older API versions are named differently")
	case s[:10] < oldest:
		gaps.Add("properties", "apiVersion "+s+" is older than "+oldest+", the oldest whose field names Bulwark maps")
	}
}

func isDate(s string) bool {
	for i, c := range s {
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

func lookupMap(m map[string]any, segs []string) map[string]any {
	for _, s := range segs {
		_, v, ok := lookupKey(m, s)
		if !ok {
			return nil
		}
		if m, ok = v.(map[string]any); !ok {
			return nil
		}
	}
	return m
}

func lookupKey(m map[string]any, key string) (string, any, bool) {
	if v, ok := m[key]; ok {
		return key, v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return k, v, true
		}
	}
	return "", nil, false
}

// setPathFold sets a path, following existing keys case-insensitively.
func setPathFold(m map[string]any, segs []string, v any) {
	for _, s := range segs[:len(segs)-1] {
		k, cur, ok := lookupKey(m, s)
		next, isMap := cur.(map[string]any)
		if !ok || !isMap {
			next, k = map[string]any{}, s
			m[k] = next
		}
		m = next
	}
	if k, _, ok := lookupKey(m, segs[len(segs)-1]); ok {
		m[k] = v
		return
	}
	m[segs[len(segs)-1]] = v
}
