package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestDataEndpoints(t *testing.T) {
	akstest.Table(t, "ACR-015", []akstest.Case{
		akstest.C("off", akstest.Registry(`{"dataEndpointEnabled": false}`), "properties.dataEndpointEnabled"),
		akstest.C("on", akstest.Registry(`{"dataEndpointEnabled": true, "dataEndpointHostNames": ["r.westeurope.data.azurecr.io"]}`)),
	})
}
