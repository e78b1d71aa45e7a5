// Package cluster holds the checks that judge what only a running cluster
// shows: pods that already run against their namespace's Pod Security
// level, and the nodes (kubelet version skew, node image age, OS and
// container runtime support, readiness). They read the API server's
// version and the observation time from inventory.ClusterInfo, which the
// live-cluster source adds; on objects read from files, where there is no
// cluster to compare with, they report nothing.
//
// One check per file, its test beside it; each file's doc comment names
// the fields it reads.
package cluster

// liveOnly is the cluster checks' SourceNote.
const liveOnly = "it judges what only a running cluster shows (pods already admitted, nodes and their versions); files hold no such state"
