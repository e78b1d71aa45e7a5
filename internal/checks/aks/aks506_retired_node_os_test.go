package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestRetiredNodeOS(t *testing.T) {
	pool := func(p string) string {
		return akstest.Cluster(`{"currentKubernetesVersion": "1.31.9", "agentPoolProfiles": [` + p + `]}`)
	}
	akstest.Table(t, "AKS-506", []akstest.Case{
		akstest.C("CBL-Mariner", pool(`{"name": "p", "osSKU": "CBLMariner"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("Azure Linux on 1.31 is 2.0", pool(`{"name": "p", "osSKU": "AzureLinux"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("Azure Linux 3 image", pool(`{"name": "p", "osSKU": "AzureLinux", "nodeImageVersion": "AKSAzureLinux-V3gen2-202510.10.0"}`)),
		akstest.C("Ubuntu 20.04 FIPS image", pool(`{"name": "p", "osSKU": "Ubuntu", "enableFIPS": true, "nodeImageVersion": "AKSUbuntu-2004gen2fipscontainerd-202404.16.0"}`), "properties.agentPoolProfiles[0].nodeImageVersion"),
		akstest.C("Ubuntu 22.04", pool(`{"name": "p", "osSKU": "Ubuntu", "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202510.13.0"}`)),
		akstest.C("Windows 2019", pool(`{"name": "win", "osType": "Windows", "osSKU": "Windows2019"}`), "properties.agentPoolProfiles[0].osSKU"),
		// Every spelling the API accepts, in any case.
		akstest.C("Mariner", pool(`{"name": "p", "osSKU": "Mariner"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("mariner", pool(`{"name": "p", "osSKU": "mariner"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("MARINER", pool(`{"name": "p", "osSKU": "MARINER"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("cblmariner", pool(`{"name": "p", "osSKU": "cblmariner"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("azurelinux on 1.31", pool(`{"name": "p", "osSKU": "azurelinux"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("windows2019", pool(`{"name": "win", "osType": "Windows", "osSKU": "windows2019"}`), "properties.agentPoolProfiles[0].osSKU"),
		akstest.C("AzureLinux3", pool(`{"name": "p", "osSKU": "AzureLinux3"}`)),
		akstest.C("azurelinux3", pool(`{"name": "p", "osSKU": "azurelinux3"}`)),
		akstest.C("Ubuntu2204", pool(`{"name": "p", "osSKU": "Ubuntu2204"}`)),
		akstest.C("windows2022", pool(`{"name": "win", "osType": "Windows", "osSKU": "windows2022"}`)),
		akstest.C("Azure Linux on 1.35 is 3.0", akstest.Cluster(`{"currentKubernetesVersion": "1.35.3", "agentPoolProfiles": [{"name": "p", "osSKU": "AzureLinux"}]}`)),
	})
}
