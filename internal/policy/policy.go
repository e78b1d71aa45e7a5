// Package policy reads bulwark.yaml, the user's policy as code: the gate
// threshold, severity overrides, which checks run, grace periods,
// exceptions and the settings checks read. It is decoded strictly: an
// unknown field, an unknown check id or a bad date is an error naming its
// line, never a setting silently ignored.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// APIVersion and Kind identify a policy document.
const (
	APIVersion = "bulwark.dev/v1alpha1"
	Kind       = "Policy"
	// FileName is looked for in the working directory and its parents up
	// to the repository root when --policy is not given.
	FileName = "bulwark.yaml"
	// ConfigMapKey is the data key holding the policy in a ConfigMap.
	ConfigMapKey = "bulwark.yaml"
	// maxSize bounds a policy file; real ones are a few kilobytes.
	maxSize = 1 << 20
)

// Policy is the decoded bulwark.yaml. See docs/policy.md for every field.
type Policy struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// FailOn is the lowest severity that fails the gate: info, low,
	// medium, high, critical or none.
	FailOn Severity `yaml:"failOn"`
	// SeverityOverrides changes the severity of checks, by id.
	SeverityOverrides Overrides `yaml:"severityOverrides"`
	Checks            Checks    `yaml:"checks"`
	// GracePeriods give findings time, by severity, before they fail
	// the gate: due date = first seen + grace.
	GracePeriods GracePeriods `yaml:"gracePeriods"`
	Exceptions   []Exception  `yaml:"exceptions"`
	// AnnotationExceptions allows per-object bulwark.dev/except
	// annotations. Off by default: whoever can edit a manifest could
	// otherwise waive its findings.
	AnnotationExceptions bool            `yaml:"annotationExceptions"`
	Images               Images          `yaml:"images"`
	Vulnerabilities      Vulnerabilities `yaml:"vulnerabilities"`
	Detections           Detections      `yaml:"detections"`

	// Source is where the policy came from (a file, or configmap/ns/name).
	Source string `yaml:"-"`
	// Warnings are things worth saying that do not make the policy invalid.
	Warnings []string `yaml:"-"`
}

// Checks selects which checks run. Entries are check ids (K8S-001) or
// area names (secrets). Include empty means every check.
type Checks struct {
	Include []CheckOrArea `yaml:"include"`
	Exclude []CheckOrArea `yaml:"exclude"`
}

// GracePeriods are per severity; unset means no grace (fail at once).
type GracePeriods struct {
	Critical *Duration `yaml:"critical"`
	High     *Duration `yaml:"high"`
	Medium   *Duration `yaml:"medium"`
	Low      *Duration `yaml:"low"`
	Info     *Duration `yaml:"info"`
}

// Exception waives findings of some checks on some resources until a date.
type Exception struct {
	Checks    []CheckRef `yaml:"checks"`
	Resources Selector   `yaml:"resources"`
	Reason    string     `yaml:"reason"`
	Owner     string     `yaml:"owner"`
	Expires   Date       `yaml:"expires"`

	// Line is where the exception starts in the policy file.
	Line int `yaml:"-"`
}

// Selector picks resources. Every field set must match; globs use * and ?.
type Selector struct {
	Kind      string            `yaml:"kind"`
	Namespace string            `yaml:"namespace"`
	Name      string            `yaml:"name"`
	Labels    map[string]string `yaml:"labels"`
	// ARMID matches Azure resource ids (AKS and ACR checks).
	ARMID string `yaml:"armId"`
	// Image matches image references (image checks).
	Image string `yaml:"image"`
	// Vulnerabilities are advisory ids (OSV ids, CVE or GHSA aliases;
	// globs allowed) a vulnerability finding must be about.
	Vulnerabilities []string `yaml:"vulnerabilities"`
	// Actor matches the user name of the request a detection (DET-…)
	// alerts on: alice@example.com, system:serviceaccount:ci:*. For
	// detections, kind matches the API resource (pods, secrets).
	Actor string `yaml:"actor"`
}

// Detections are the settings of bulwark detect.
type Detections struct {
	// SecretReaders are the subjects expected to read Secrets (DET-006).
	SecretReaders []SecretReader `yaml:"secretReaders"`
}

// SecretReader declares a user name (glob) expected to read Secrets in
// the namespaces listed (globs; empty means every namespace).
type SecretReader struct {
	User       string   `yaml:"user"`
	Namespaces []string `yaml:"namespaces"`
}

// Reads reports whether the declaration covers user in namespace.
func (r *SecretReader) Reads(user, namespace string) bool {
	if ok, _ := path.Match(r.User, user); !ok {
		return false
	}
	if len(r.Namespaces) == 0 {
		return true
	}
	for _, n := range r.Namespaces {
		if ok, _ := path.Match(n, namespace); ok {
			return true
		}
	}
	return false
}

// Images holds image rules.
type Images struct {
	// AllowedRegistries are registry hosts, optionally with a path prefix
	// (myacr.azurecr.io, mcr.microsoft.com/oss), that images may come from.
	AllowedRegistries []string `yaml:"allowedRegistries"`
	// TrustPolicy is the Notation trust policy images must verify
	// against (IMG-010, IMG-011): a path to a Notation configuration
	// directory (trustpolicy.json and truststore/x509/...) or to a
	// trustpolicy.json file (its truststore/ beside it), relative to this
	// file; or the trust policy document itself, inline, with TrustStore.
	TrustPolicy yaml.Node `yaml:"trustPolicy"`
	// TrustStore is the trust store directory for an inline TrustPolicy
	// (holding x509/{ca,signingAuthority,tsa}/<name>/).
	TrustStore string `yaml:"trustStore"`
}

// TrustPolicyRef says where the trust policy is: a Notation directory, or
// an inline document (JSON) with its store directory.
type TrustPolicyRef struct {
	Dir      string
	Inline   []byte
	StoreDir string
	// Where is file:line of the setting, for messages.
	Where string
}

// Trust returns the trust policy setting with paths resolved against the
// policy file's directory, or nil when none is set.
func (i *Images) Trust(policySource string) (*TrustPolicyRef, error) {
	n := &i.TrustPolicy
	if n.Kind == 0 {
		return nil, nil
	}
	base := ""
	if policySource != "" && !strings.HasPrefix(policySource, "configmap/") {
		base = filepath.Dir(policySource)
	}
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) || base == "" {
			return p
		}
		return filepath.Join(base, p)
	}
	ref := &TrustPolicyRef{Where: fmt.Sprintf("%s:%d", policySource, n.Line)}
	if n.Kind == yaml.ScalarNode {
		ref.Dir = resolve(n.Value)
		if strings.HasSuffix(ref.Dir, ".json") {
			ref.Dir = filepath.Dir(ref.Dir)
		}
		return ref, nil
	}
	var doc any
	if err := n.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: images.trustPolicy: %w", ref.Where, err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: images.trustPolicy: %w", ref.Where, err)
	}
	ref.Inline, ref.StoreDir = js, resolve(i.TrustStore)
	return ref, nil
}

// Vulnerabilities tune image vulnerability checks (IMG-001 to IMG-005).
type Vulnerabilities struct {
	// FailOn is the gate for the vulnerability checks only; the run's
	// failOn applies to them when it is unset or --fail-on is given.
	FailOn Severity `yaml:"failOn"`
	// IgnoreUnfixed drops advisories without a published fix.
	IgnoreUnfixed bool `yaml:"ignoreUnfixed"`
	// MaxDatabaseAge warns when vulnerability data is older than this
	// (default 7 days).
	MaxDatabaseAge *Duration `yaml:"maxDatabaseAge"`
	// Unrated gates advisories that no data rates (IMG-005): a severity
	// they are gated at (default medium, IMG-005's own), or "ignore" to
	// leave them out of the report.
	Unrated Severity `yaml:"unrated"`
}

// UnratedIgnore is the vulnerabilities.unrated value that leaves unrated
// advisories out.
const UnratedIgnore = "ignore"

// UnratedSetting is the setting's name, which the check it sets declares
// (check.Meta.SeveritySetting).
const UnratedSetting = "vulnerabilities.unrated"

// Error is a policy problem at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one policy.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Load reads and validates a policy file.
func Load(path string) (*Policy, error) {
	data, err := regularfile.Read(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return Parse(path, data)
}

// Find looks for bulwark.yaml in dir and its parents, stopping at the
// repository root (a directory holding .git). It returns "" if none.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, FileName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// Parse decodes and validates a policy document.
func Parse(name string, data []byte) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, located(name, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty policy"}
	}
	if len(bytes.TrimSpace(data)) > 0 && countDocuments(data) > 1 {
		return nil, &Error{File: name, Msg: "a policy file holds one document"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, located(name, err)
	}
	p.Source = name
	exceptionLines(&root, &p)
	if errs := p.validate(name, &root); len(errs) > 0 {
		return nil, errs
	}
	return &p, nil
}

func countDocuments(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var v yaml.Node
		if err := dec.Decode(&v); err != nil {
			return n
		}
		n++
	}
}

// located rewrites go-yaml's "yaml: line N: msg" errors as "file:N: msg".
func located(name string, err error) error {
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs Errors
	for _, m := range msgs {
		e := &Error{File: name, Msg: m}
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Msg = sm[2]
		}
		errs = append(errs, e)
	}
	return errs
}

// exceptionLines records where each exception starts, for messages about
// expired and unused exceptions.
func exceptionLines(root *yaml.Node, p *Policy) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "exceptions" && doc.Content[i+1].Kind == yaml.SequenceNode {
			for j, item := range doc.Content[i+1].Content {
				if j < len(p.Exceptions) {
					p.Exceptions[j].Line = item.Line
				}
			}
		}
	}
}
