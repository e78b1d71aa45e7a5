package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPodSecurityPolicy(t *testing.T) {
	akstest.Table(t, "AKS-804", []akstest.Case{
		akstest.C("set", akstest.Cluster(`{"enablePodSecurityPolicy": true}`), "properties.enablePodSecurityPolicy"),
		akstest.C("false", akstest.Cluster(`{"enablePodSecurityPolicy": false}`)),
		akstest.C("absent", akstest.Cluster(`{}`)),
	})
}
