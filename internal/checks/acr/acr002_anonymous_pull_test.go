package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAnonymousPull(t *testing.T) {
	akstest.Table(t, "ACR-002", []akstest.Case{
		akstest.C("on", akstest.Registry(`{"anonymousPullEnabled": true}`), "properties.anonymousPullEnabled"),
		akstest.C("off", akstest.Registry(`{"anonymousPullEnabled": false}`)),
		akstest.C("absent: not assessed", akstest.Registry(`{}`)),
	})
}
