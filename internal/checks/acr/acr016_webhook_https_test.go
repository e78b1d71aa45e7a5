package acr

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestWebhookHTTPS(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	hook := func(name, uri string) string {
		return `{"id": "` + reg + `/webhooks/` + name + `", "name": "` + name + `", "type": "Microsoft.ContainerRegistry/registries/webhooks",
			"properties": {"status": "enabled", "actions": ["push"], "serviceUri": "` + uri + `"}}`
	}
	akstest.Table(t, "ACR-016", []akstest.Case{
		akstest.C("http", `[`+akstest.Registry(`{}`)+`,`+hook("deploy", "http://deployer.internal.contoso.com/hook?token=abc")+`]`, "webhooks[deploy].properties.serviceUri"),
		akstest.C("https", `[`+akstest.Registry(`{}`)+`,`+hook("deploy", "https://deployer.contoso.com/hook")+`]`),
		akstest.C("hidden uri (ARM GET): not assessed", `[`+akstest.Registry(`{}`)+`,`+hook("deploy", "")+`]`),
	})
	fs := akstest.Run(t, "ACR-016", `[`+akstest.Registry(`{}`)+`,`+hook("deploy", "http://user:pw@deployer.contoso.com/hook?token=abc")+`]`)
	if len(fs) != 1 || strings.Contains(fs[0].Message+fs[0].Evidence, "token") || strings.Contains(fs[0].Message+fs[0].Evidence, "pw") {
		t.Errorf("credentials printed: %+v", fs)
	}
}
