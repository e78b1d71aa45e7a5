package report

// Fleet lists the clusters `bulwark assess --all-clusters` found, each
// with its verdict or the reason it could not be assessed.
type Fleet struct {
	Summary  FleetSummary   `json:"summary"`
	Clusters []FleetCluster `json:"clusters"`
}

// FleetSummary counts the clusters by outcome.
type FleetSummary struct {
	Clusters    int `json:"clusters"`
	Assessed    int `json:"assessed"`
	NotAssessed int `json:"notAssessed"`
	// Passed, Failed and Incomplete split the assessed clusters by their
	// own result (pass, fail, error).
	Passed     int `json:"passed"`
	Failed     int `json:"failed"`
	Incomplete int `json:"incomplete"`
}

// Cluster statuses in a fleet.
const (
	ClusterAssessed    = "assessed"
	ClusterNotAssessed = "not-assessed"
)

// FleetCluster is one cluster of a fleet. Its findings and attack paths
// are the report's, with the cluster's ARM id in their subjects.
type FleetCluster struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ResourceGroup string `json:"resourceGroup"`
	Subscription  string `json:"subscription"`
	Location      string `json:"location"`
	// Status is assessed or not-assessed; Reason says why not (403, 404,
	// timed out).
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Result is the cluster's own verdict (pass, fail, error), empty when
	// not assessed.
	Result      string `json:"result,omitempty"`
	Findings    int    `json:"findings"`
	Blocking    int    `json:"blocking"`
	AttackPaths int    `json:"attackPaths"`
}

// Summarize counts the clusters.
func (f *Fleet) Summarize() {
	s := FleetSummary{Clusters: len(f.Clusters)}
	for _, c := range f.Clusters {
		if c.Status != ClusterAssessed {
			s.NotAssessed++
			continue
		}
		s.Assessed++
		switch c.Result {
		case "pass":
			s.Passed++
		case "fail":
			s.Failed++
		default:
			s.Incomplete++
		}
	}
	f.Summary = s
}
