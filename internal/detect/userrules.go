package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// A rules file holds the user's own detections: CEL predicates over the
// audit event (the variable event, the event's JSON as a map), checked
// when the file loads.
//
//	rules:
//	- name: delete-namespace
//	  title: Namespace deleted
//	  severity: high
//	  expression: event.verb == "delete" && event.objectRef.resource == "namespaces"
type rulesFile struct {
	Rules []userRuleDoc `yaml:"rules"`
}

type userRuleDoc struct {
	Name       string `yaml:"name"`
	Title      string `yaml:"title"`
	Severity   string `yaml:"severity"`
	Expression string `yaml:"expression"`
	line       int
}

// userRule is a compiled user rule, alerting as the detection its check
// describes (id user:NAME, not in the catalog).
type userRule struct {
	check *check.Check
	prg   cel.Program
	pre   prefilter
	// objects: the expression names requestObject or responseObject,
	// which are decoded into the map only for such rules.
	objects bool
}

var ruleNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// maxRuleCost bounds one evaluation: an expression cannot loop forever
// over a hostile event's lists.
const maxRuleCost = 100_000

// loadUserRules reads and compiles a rules file; every problem is named
// by file:line.
func loadUserRules(file string) ([]userRule, error) {
	data, err := regularfile.Read(file, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	var doc rulesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	// Lines of each rule, from the node tree.
	if len(root.Content) == 1 {
		for i := 0; i+1 < len(root.Content[0].Content); i += 2 {
			if root.Content[0].Content[i].Value == "rules" {
				for j, n := range root.Content[0].Content[i+1].Content {
					if j < len(doc.Rules) {
						doc.Rules[j].line = n.Line
					}
				}
			}
		}
	}
	if len(doc.Rules) == 0 {
		return nil, fmt.Errorf("%s: no rules (want rules: [{name, title, severity, expression}])", file)
	}
	env, err := cel.NewEnv(cel.Variable("event", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return nil, err
	}
	var out []userRule
	var errs []string
	seen := map[string]bool{}
	for _, r := range doc.Rules {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: rule %q: %s", file, r.line, r.Name, fmt.Sprintf(format, args...)))
		}
		if !ruleNameRE.MatchString(r.Name) || seen[r.Name] {
			bad("name must be unique, lower-case letters, digits and dashes")
			continue
		}
		seen[r.Name] = true
		sev, err := finding.ParseSeverity(r.Severity)
		if err != nil {
			bad("severity: %v", err)
			continue
		}
		if strings.TrimSpace(r.Title) == "" {
			bad("title is required")
			continue
		}
		ast, iss := env.Compile(r.Expression)
		if iss.Err() != nil {
			bad("expression: %v", iss.Err())
			continue
		}
		if ast.OutputType() != cel.BoolType {
			bad("expression is %v, want a bool", ast.OutputType())
			continue
		}
		prg, err := env.Program(ast, cel.CostLimit(maxRuleCost))
		if err != nil {
			bad("expression: %v", err)
			continue
		}
		out = append(out, userRule{prg: prg, pre: prefilterOf(ast), objects: strings.Contains(r.Expression, "requestObject") || strings.Contains(r.Expression, "responseObject"), check: &check.Check{Meta: check.Meta{
			ID: "user:" + r.Name, Title: r.Title, Severity: sev, Area: "threat-detection",
			Controls: check.Controls{Practice: "threat-protection"}}}})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// eventMap is the event as CEL sees it: its JSON as a map, as
// encoding/json would decode it (strings, float64 numbers, []any,
// map[string]any), built from the fields without encoding them: a JSON
// round trip per event cost more than all the catalog's detections.
// Only the request and response objects go through JSON, when present
// and objects is set (a rule names them).
func eventMap(ev *audit.Event, objects bool) (map[string]any, error) {
	m := make(map[string]any, 20)
	m["kind"], m["apiVersion"], m["level"], m["auditID"] = ev.Kind, ev.APIVersion, ev.Level, ev.AuditID
	m["stage"], m["requestURI"], m["verb"] = ev.Stage, ev.RequestURI, ev.Verb
	m["user"] = userMap(&ev.User)
	if ev.ImpersonatedUser != nil {
		m["impersonatedUser"] = userMap(ev.ImpersonatedUser)
	}
	putStrings(m, "sourceIPs", ev.SourceIPs)
	putString(m, "userAgent", ev.UserAgent)
	if r := ev.ObjectRef; r != nil {
		o := make(map[string]any, 8)
		for _, f := range [...]struct{ k, v string }{{"resource", r.Resource}, {"namespace", r.Namespace}, {"name", r.Name}, {"uid", r.UID},
			{"apiGroup", r.APIGroup}, {"apiVersion", r.APIVersion}, {"resourceVersion", r.ResourceVersion}, {"subresource", r.Subresource}} {
			putString(o, f.k, f.v)
		}
		m["objectRef"] = o
	}
	if st := ev.ResponseStatus; st != nil {
		o := make(map[string]any, 4)
		putString(o, "status", st.Status)
		putString(o, "message", st.Message)
		putString(o, "reason", st.Reason)
		if st.Code != 0 {
			o["code"] = float64(st.Code)
		}
		m["responseStatus"] = o
	}
	for _, raw := range [...]struct {
		k string
		v json.RawMessage
	}{{"requestObject", ev.RequestObject}, {"responseObject", ev.ResponseObject}} {
		if objects && len(raw.v) > 0 {
			var v any
			if err := json.Unmarshal(raw.v, &v); err != nil {
				return nil, err
			}
			m[raw.k] = v
		}
	}
	m["requestReceivedTimestamp"] = timeString(ev.RequestReceivedTimestamp)
	m["stageTimestamp"] = timeString(ev.StageTimestamp)
	if len(ev.Annotations) > 0 {
		o := make(map[string]any, len(ev.Annotations))
		for k, v := range ev.Annotations {
			o[k] = v
		}
		m["annotations"] = o
	}
	return m, nil
}

func userMap(u *audit.UserInfo) map[string]any {
	o := make(map[string]any, 4)
	o["username"] = u.Username
	putString(o, "uid", u.UID)
	putStrings(o, "groups", u.Groups)
	if len(u.Extra) > 0 {
		x := make(map[string]any, len(u.Extra))
		for k, vs := range u.Extra {
			x[k] = anyStrings(vs)
		}
		o["extra"] = x
	}
	return o
}

// putString and putStrings set a field tagged omitempty: absent when empty.
func putString(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func putStrings(m map[string]any, k string, vs []string) {
	if len(vs) > 0 {
		m[k] = anyStrings(vs)
	}
}

// anyStrings is vs as JSON decodes it; nil is JSON null.
func anyStrings(vs []string) any {
	if vs == nil {
		return nil
	}
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// timeString is time.Time's JSON text, unquoted.
func timeString(t time.Time) string {
	b, err := t.MarshalText()
	if err != nil {
		return ""
	}
	return string(b)
}

// matches evaluates the rule; an evaluation error (a missing field, the
// cost limit) is no match, and counted.
func (u *userRule) matches(vars map[string]any) (bool, error) {
	v, _, err := u.prg.Eval(map[string]any{"event": vars})
	if err != nil {
		return false, err
	}
	b, ok := v.Value().(bool)
	return ok && b, nil
}
