// Package policy reads bulwark.yaml, the user's policy as code. It is
// decoded strictly: an unknown field or a bad value is an error with its
// line, never a setting silently ignored.
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/decide"
)

// APIVersion and Kind identify a policy document.
const (
	APIVersion = "bulwark.dev/v1alpha1"
	Kind       = "Policy"
	// FileName is looked for in the working directory when --policy is
	// not given.
	FileName = "bulwark.yaml"
)

// Policy is the decoded bulwark.yaml.
type Policy struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// FailOn is the lowest severity that fails the gate: info, low,
	// medium, high, critical or none.
	FailOn string `yaml:"failOn"`
	Images Images `yaml:"images"`

	// Source is the file the policy came from.
	Source string `yaml:"-"`
}

// Images holds image rules.
type Images struct {
	// AllowedRegistries are registry hosts, optionally with a path prefix
	// (myacr.azurecr.io, mcr.microsoft.com/oss), that images may come from.
	AllowedRegistries []string `yaml:"allowedRegistries"`
}

var registryRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]+)?(/[a-z0-9._/-]+)?$`)

// Load reads and validates a policy file.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer f.Close()
	// A policy is a few kilobytes; anything near this size is a mistake.
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("policy %s: larger than 1 MiB", path)
	}
	return Parse(path, data)
}

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// Parse decodes and validates a policy document.
func Parse(name string, data []byte) (*Policy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty policy", name)
		}
		return nil, fmt.Errorf("%s", located(name, err))
	}
	p.Source = name
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

// located rewrites yaml's "yaml: line N: msg" (or a list of them) as
// "file:N: msg" lines.
func located(name string, err error) string {
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			out[i] = fmt.Sprintf("%s:%d: %s", name, n, sm[2])
		} else {
			out[i] = name + ": " + m
		}
	}
	return strings.Join(out, "\n")
}

func (p *Policy) validate() error {
	if p.APIVersion != APIVersion {
		return fmt.Errorf("apiVersion must be %s, got %q", APIVersion, p.APIVersion)
	}
	if p.Kind != Kind {
		return fmt.Errorf("kind must be %s, got %q", Kind, p.Kind)
	}
	if p.FailOn != "" {
		if _, err := decide.ParseFailOn(p.FailOn); err != nil {
			return fmt.Errorf("failOn: %w", err)
		}
	}
	for i, r := range p.Images.AllowedRegistries {
		if !registryRE.MatchString(r) {
			return fmt.Errorf("images.allowedRegistries[%d]: %q is not a registry host with an optional path (e.g. myacr.azurecr.io or mcr.microsoft.com/oss)", i, r)
		}
	}
	return nil
}
