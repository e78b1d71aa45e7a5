package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestBroadIPRanges(t *testing.T) {
	doc := func(ranges string) string {
		return akstest.Cluster(`{"apiServerAccessProfile": {"authorizedIPRanges": ` + ranges + `}}`)
	}
	const f = "properties.apiServerAccessProfile.authorizedIPRanges"
	akstest.Table(t, "AKS-102", []akstest.Case{
		akstest.C("narrow", doc(`["203.0.113.0/24", "198.51.100.10/32", "198.51.100.11"]`)),
		akstest.C("everything", doc(`["0.0.0.0/0"]`), f+"[0]"),
		akstest.C("ipv6 everything", doc(`["203.0.113.0/24", "::/0"]`), f+"[1]"),
		akstest.C("slash 16 is the limit", doc(`["10.20.0.0/16"]`)),
		akstest.C("slash 12 too broad", doc(`["172.16.0.0/12"]`), f+"[0]"),
		akstest.C("ipv6 /32 too broad", doc(`["2001:db8::/32"]`), f+"[0]"),
		akstest.C("ipv6 /56 fine", doc(`["2001:db8:1:100::/56"]`)),
		akstest.C("not a range", doc(`["office"]`), f+"[0]"),
		akstest.C("none set", akstest.Cluster(`{}`)),
	})
}

func TestBroadIPRangesMessage(t *testing.T) {
	fs := akstest.Run(t, "AKS-102", akstest.Cluster(`{"apiServerAccessProfile": {"authorizedIPRanges": ["52.0.0.0/8"]}}`))
	if len(fs) != 1 || fs[0].Evidence != "52.0.0.0/8" || fs[0].Message != "authorized IP range 52.0.0.0/8 covers 16M addresses (prefix shorter than /16)" {
		t.Errorf("got %+v", fs)
	}
}
