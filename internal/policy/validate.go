package policy

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

var registryRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]+)?(/[a-z0-9._/-]+)?$`)

func (p *Policy) validate(name string, root *yaml.Node) Errors {
	var errs Errors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if p.APIVersion != APIVersion {
		bad(topLine(root, "apiVersion"), "apiVersion must be %s, got %q", APIVersion, p.APIVersion)
	}
	if p.Kind != Kind {
		bad(topLine(root, "kind"), "kind must be %s, got %q", Kind, p.Kind)
	}
	if p.FailOn.Value != "" && p.FailOn.Value != "none" {
		if _, err := finding.ParseSeverity(p.FailOn.Value); err != nil {
			bad(p.FailOn.Line, "failOn: %v (or none)", err)
		}
	}
	seen := map[string]int{}
	for _, o := range p.SeverityOverrides {
		checkID(o.Check, "severityOverrides", bad)
		if _, err := finding.ParseSeverity(o.Severity.Value); err != nil {
			bad(o.Severity.Line, "severityOverrides.%s: %v", o.Check.ID, err)
		}
		if l, dup := seen[strings.ToUpper(o.Check.ID)]; dup {
			bad(o.Check.Line, "severityOverrides: %s is already set on line %d", o.Check.ID, l)
		}
		seen[strings.ToUpper(o.Check.ID)] = o.Check.Line
	}
	areas := knownAreas()
	for _, list := range []struct {
		field string
		refs  []CheckOrArea
	}{{"checks.include", p.Checks.Include}, {"checks.exclude", p.Checks.Exclude}} {
		for _, r := range list.refs {
			if _, ok := check.Lookup(r.ID); ok || slices.Contains(areas, r.ID) {
				continue
			}
			bad(r.Line, "%s: %q is neither a check id nor an area (areas: %s; see `bulwark checks list`)", list.field, r.ID, strings.Join(areas, ", "))
		}
	}
	for i, e := range p.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if len(e.Checks) == 0 {
			bad(e.Line, "%s: checks is required (the check ids it waives)", field)
		}
		for _, c := range e.Checks {
			if IsUserRule(c.ID) {
				continue // known once bulwark detect loads --rules (see UserRuleRefs)
			}
			checkID(c, field+".checks", bad)
		}
		if strings.TrimSpace(e.Reason) == "" {
			bad(e.Line, "%s: reason is required", field)
		}
		if strings.TrimSpace(e.Owner) == "" {
			bad(e.Line, "%s: owner is required (who answers for it)", field)
		}
		if e.Expires.IsZero() {
			bad(e.Line, "%s: expires is required (YYYY-MM-DD): no exception lasts forever", field)
		}
		s := e.Resources
		if s.Actor != "" && slices.ContainsFunc(e.Checks, func(c CheckRef) bool {
			ch, ok := check.Lookup(c.ID)
			return ok && ch.Detect == nil
		}) {
			bad(e.Line, "%s.resources.actor: only detections (DET-…) are about a request's actor", field)
		}
		for _, g := range []struct{ name, pat string }{{"kind", s.Kind}, {"namespace", s.Namespace}, {"name", s.Name}, {"armId", s.ARMID}, {"image", s.Image}, {"actor", s.Actor}} {
			if _, err := path.Match(g.pat, ""); err != nil {
				bad(e.Line, "%s.resources.%s: bad glob %q", field, g.name, g.pat)
			}
		}
		for j, v := range s.Vulnerabilities {
			if _, err := path.Match(v, ""); err != nil || strings.TrimSpace(v) == "" {
				bad(e.Line, "%s.resources.vulnerabilities[%d]: bad advisory id or glob %q", field, j, v)
			}
		}
		if len(s.Vulnerabilities) > 0 && slices.ContainsFunc(e.Checks, func(c CheckRef) bool {
			ch, ok := check.Lookup(c.ID)
			return ok && ch.Area != "vulnerabilities"
		}) {
			bad(e.Line, "%s.resources.vulnerabilities: only vulnerability checks (IMG-001..IMG-005) are about advisories", field)
		}
	}
	for i, r := range p.Detections.SecretReaders {
		if _, err := path.Match(r.User, ""); err != nil || strings.TrimSpace(r.User) == "" {
			bad(topLine(root, "detections"), "detections.secretReaders[%d].user: want a user name or glob, got %q", i, r.User)
		}
		for _, n := range r.Namespaces {
			if _, err := path.Match(n, ""); err != nil || n == "" {
				bad(topLine(root, "detections"), "detections.secretReaders[%d].namespaces: bad glob %q", i, n)
			}
		}
	}
	for i, r := range p.Images.AllowedRegistries {
		if !registryRE.MatchString(r) {
			bad(topLine(root, "images"), "images.allowedRegistries[%d]: %q is not a registry host with an optional path (e.g. myacr.azurecr.io or mcr.microsoft.com/oss)", i, r)
		}
	}
	if p.Vulnerabilities.FailOn.Value != "" {
		if _, err := finding.ParseSeverity(p.Vulnerabilities.FailOn.Value); err != nil {
			bad(p.Vulnerabilities.FailOn.Line, "vulnerabilities.failOn: %v", err)
		}
	}
	if u := p.Vulnerabilities.Unrated; u.Value != "" {
		if _, err := finding.ParseSeverity(u.Value); err != nil && !strings.EqualFold(u.Value, UnratedIgnore) {
			bad(u.Line, "vulnerabilities.unrated: %v (or %s)", err, UnratedIgnore)
		}
		for _, c := range check.All() {
			if l, dup := seen[c.ID]; dup && c.SeveritySetting == UnratedSetting {
				bad(u.Line, "vulnerabilities.unrated: severityOverrides sets %s (the unrated advisories) on line %d already", c.ID, l)
			}
		}
	}
	switch tp := &p.Images.TrustPolicy; {
	case tp.Kind == yaml.ScalarNode && strings.TrimSpace(tp.Value) == "":
		bad(tp.Line, "images.trustPolicy: want a path to a Notation trust directory or trustpolicy.json, or the trust policy document inline")
	case tp.Kind == yaml.ScalarNode && p.Images.TrustStore != "":
		bad(tp.Line, "images.trustStore: only for an inline trust policy; a trust directory holds its own truststore/")
	case tp.Kind == yaml.MappingNode && p.Images.TrustStore == "":
		bad(tp.Line, "images.trustPolicy: an inline trust policy needs images.trustStore (the directory holding x509/ca/<name>/...)")
	case tp.Kind != 0 && tp.Kind != yaml.ScalarNode && tp.Kind != yaml.MappingNode:
		bad(tp.Line, "images.trustPolicy: want a path or a mapping")
	case tp.Kind == 0 && p.Images.TrustStore != "":
		bad(topLine(root, "images"), "images.trustStore is set without images.trustPolicy")
	}
	return errs
}

// userRuleRE is the id of a user's own detection: user:NAME, NAME as a
// --rules file declares it.
var userRuleRE = regexp.MustCompile(`^user:[a-z0-9][a-z0-9-]{0,62}$`)

// IsUserRule reports whether id names a user's own detection
// (user:NAME), which only bulwark detect knows, from its --rules files.
func IsUserRule(id string) bool { return userRuleRE.MatchString(id) }

// RuleRef is a reference to a check in the policy file.
type RuleRef struct {
	ID, Field string
	Line      int
}

// UserRuleRefs are the policy's references to user rules (in
// exceptions): the caller that loads the rules checks each names one, as
// the policy checks catalog ids.
func (p *Policy) UserRuleRefs() []RuleRef {
	var out []RuleRef
	for i, e := range p.Exceptions {
		for _, c := range e.Checks {
			if IsUserRule(c.ID) {
				out = append(out, RuleRef{ID: c.ID, Field: fmt.Sprintf("exceptions[%d].checks", i), Line: c.Line})
			}
		}
	}
	return out
}

func checkID(c CheckRef, field string, bad func(int, string, ...any)) {
	if _, ok := check.Lookup(c.ID); !ok {
		bad(c.Line, "%s: unknown check id %q (see `bulwark checks list`)", field, c.ID)
	}
}

func knownAreas() []string {
	var out []string
	for _, c := range check.All() {
		if !slices.Contains(out, c.Area) {
			out = append(out, c.Area)
		}
	}
	slices.Sort(out)
	return out
}

// topLine is the line of a top-level key, for errors about its value.
func topLine(root *yaml.Node, key string) int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			return doc.Content[i].Line
		}
	}
	return 0
}
