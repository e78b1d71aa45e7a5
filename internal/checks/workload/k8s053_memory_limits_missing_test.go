package workload

import "testing"

// The cases are shared with K8S-050 (k8s050_cpu_requests_missing_test.go).
func TestMemoryLimitsMissing(t *testing.T) { testResourceMissing(t, "K8S-053") }
