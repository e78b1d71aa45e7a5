package scan

import (
	"context"
	"io"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// AccessRequest asks what a subject may do according to the RBAC objects
// in manifests.
type AccessRequest struct {
	// Subject is serviceaccount:NAMESPACE:NAME (or sa:...), user:NAME or
	// group:NAME.
	Subject string
	// Groups the subject is in besides those Kubernetes adds.
	Groups []string
	// Paths are read as a manifest scan reads them.
	Paths       []string
	Exclude     []string
	MaxFileSize int64
	Stdin       io.Reader
	AllowEmpty  bool
}

// AccessExplanation is a subject's effective access, and the network
// model that says whether its workloads reach the API server.
type AccessExplanation struct {
	Access  *rbacmodel.Access
	Network *netpol.Model
}

// ExplainAccess reads the manifests and explains the subject's access. A
// bad request or unreadable input is a UsageError; files that could not
// be read or parsed make the answer incomplete: they are returned as
// problems (file:line: what) and no explanation.
func ExplainAccess(ctx context.Context, req AccessRequest) (*AccessExplanation, []string, error) {
	subj, err := rbacmodel.ParseSubject(req.Subject)
	if err != nil {
		return nil, nil, &UsageError{Err: err}
	}
	if req.MaxFileSize <= 0 {
		return nil, nil, usageErr("--max-file-size must be positive")
	}
	loaded, err := manifest.Load(ctx, req.Paths, manifest.Options{Exclude: req.Exclude, MaxFileSize: req.MaxFileSize, Stdin: req.Stdin, AllowEmpty: req.AllowEmpty})
	if err != nil {
		return nil, nil, &UsageError{Err: err}
	}
	if len(loaded.Errors) > 0 {
		problems := make([]string, 0, len(loaded.Errors))
		for _, e := range loaded.Errors {
			problems = append(problems, e.Error())
		}
		return nil, problems, nil
	}
	inv := inventory.New(loaded.Objects)
	return &AccessExplanation{Access: rbacmodel.For(inv).Access(subj, req.Groups...), Network: netpol.For(inv)}, nil, nil
}
