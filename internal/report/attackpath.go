package report

// AttackPath is one way from the internet to a crown jewel, hop by hop,
// each hop with the findings (or, for a relation between objects, the
// field) that open it.
type AttackPath struct {
	// ID is stable across runs while the path's hops stay the same.
	ID string `json:"id"`
	// Entry names the entry point, Target the crown jewel reached.
	Entry  string `json:"entry"`
	Target string `json:"target"`
	// Jewel is the kind of crown jewel: cluster-admin, secrets,
	// key-vault, registry or node.
	Jewel string `json:"jewel"`
	// Score ranks paths, 1 (hard, little impact) to 100 (easy, full
	// control): the jewel's impact lowered by each hop's difficulty.
	Score int         `json:"score"`
	Hops  []AttackHop `json:"hops"`
	// Fix is the hop whose findings, fixed, cut this path and the most
	// other paths.
	Fix *AttackFix `json:"fix,omitempty"`
}

// AttackHop is one step of an attack path.
type AttackHop struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Step is what the hop does: exposed, reaches, exploit, host, token,
	// cloud-identity, cluster-admin, secrets, nodes, registry-write,
	// registry-access, api-access, key-vault, holds.
	Step        string           `json:"step"`
	Description string           `json:"description"`
	Evidence    []AttackEvidence `json:"evidence"`
}

// AttackEvidence is what a hop rests on: a finding (CheckID and
// Fingerprint set), or a relation read from an object (a Service's
// selector, an Ingress backend), which has no finding to fix.
type AttackEvidence struct {
	CheckID     string   `json:"checkID,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
	Subject     Subject  `json:"subject"`
	Field       string   `json:"field,omitempty"`
	Location    Location `json:"location"`
	Message     string   `json:"message"`
}

// AttackFix names the hop to close first.
type AttackFix struct {
	// Hop is the index of the hop in the path.
	Hop int `json:"hop"`
	// Cuts counts the paths of the run through this hop.
	Cuts int `json:"cuts"`
	// Findings are the fingerprints of the findings to fix.
	Findings []string `json:"findings"`
}
