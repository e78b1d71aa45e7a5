package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// def is an Azure-side cluster check: its metadata, what it reads and its
// evaluation over one cluster.
type def struct {
	check.Meta
	// Reads are the ARM paths the check reads (check.Meta.Fields).
	Reads []string
	// Eval judges the cluster; pools are the node pools whose fields the
	// check reads are all known.
	Eval func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report)
}

// register declares the check in the catalog with area "aks". The
// evaluation skips what falls in a gap of the input: the whole cluster
// when a cluster field is unknown, a pool when one of its fields is; the
// scan reports those as not assessed.
func register(d def) {
	d.Area = "aks"
	d.Kinds = []string{aksmodel.KindCluster}
	d.Sources = []check.Source{check.Azure}
	d.Fields = d.Reads
	reads, eval := d.Reads, d.Eval
	check.Register(&check.Check{Meta: d.Meta, Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
		c, ok := obj.Typed.(*aksmodel.Cluster)
		if !ok || aksmodel.ClusterBlocked(c.Gaps, reads) {
			return
		}
		pools := make([]*aksmodel.Pool, 0, len(c.Pools))
		for _, p := range c.Pools {
			if p.Profile != nil && !aksmodel.PoolBlocked(c.Gaps, reads, p) {
				pools = append(pools, p)
			}
		}
		eval(c, pools, r)
	}})
}
