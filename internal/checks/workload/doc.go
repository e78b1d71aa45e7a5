// Package workload holds the checks on workloads and the objects around
// them that go beyond the Pod Security Standards: host access, images,
// secrets, identity, exposure and resources. One check per file, its test
// beside it; each file's doc comment names the fields it reads.
package workload
