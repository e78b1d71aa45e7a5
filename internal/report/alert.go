package report

// Alert is what a detection (DET-…) says about one audit event: one JSON
// line of bulwark detect.
type Alert struct {
	Rule     string   `json:"rule"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Actor is who the request acted as (the impersonated user when
	// there is one); Impersonator the authenticated user behind it.
	Actor        string   `json:"actor"`
	Groups       []string `json:"groups,omitempty"`
	Impersonator string   `json:"impersonator,omitempty"`
	Verb         string   `json:"verb"`
	// Object is resource[/subresource] namespace/name, or the URL of a
	// non-resource request.
	Object    string   `json:"object"`
	Namespace string   `json:"namespace,omitempty"`
	SourceIPs []string `json:"sourceIPs"`
	UserAgent string   `json:"userAgent,omitempty"`
	AuditID   string   `json:"auditID"`
	// Time is the event's stage timestamp (RFC 3339).
	Time string `json:"time"`
	// Source is where the event was read: file:line (and item), or the
	// webhook.
	Source   string   `json:"source"`
	Controls Controls `json:"controls"`
}
