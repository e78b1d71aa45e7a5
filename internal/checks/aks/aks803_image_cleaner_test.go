package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestImageCleaner(t *testing.T) {
	akstest.Table(t, "AKS-803", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.securityProfile.imageCleaner.enabled"),
		akstest.C("on", akstest.Cluster(`{"securityProfile": {"imageCleaner": {"enabled": true, "intervalHours": 168}}}`)),
	})
}
