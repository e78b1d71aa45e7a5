package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestResilience(t *testing.T) {
	akstest.Table(t, "AKS-512", []akstest.Case{
		akstest.C("baseline met", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "sys", "mode": "System", "count": 3, "availabilityZones": ["1", "2", "3"], "maxPods": 110},
			{"name": "apps", "mode": "User", "count": 1, "maxPods": 250}]}`)),
		akstest.C("single zone, small, few pods", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "sys", "mode": "System", "count": 1, "maxPods": 30}]}`), "properties.agentPoolProfiles[0].availabilityZones", "properties.agentPoolProfiles[0].count", "properties.agentPoolProfiles[0].maxPods"),
		akstest.C("autoscaling minimum", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "sys", "mode": "System", "count": 5, "enableAutoScaling": true, "minCount": 2, "maxCount": 5, "availabilityZones": ["1", "2"]}]}`), "properties.agentPoolProfiles[0].minCount"),
	})
}
