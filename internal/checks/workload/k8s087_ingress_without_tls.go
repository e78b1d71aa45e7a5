package workload

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-087 reads spec.tls[*].hosts and spec.rules[*].host of Ingresses, and
// the annotation appgw.ingress.kubernetes.io/appgw-ssl-certificate (AGIC
// terminates TLS with a certificate installed on the Application Gateway,
// without spec.tls). It fails when no TLS is configured, and for each rule
// host that no tls[].hosts entry covers. A tls entry without hosts covers
// every host (the controller's default certificate); a wildcard
// *.example.com covers exactly one label (a.example.com). Rules without a
// host are not judged once TLS is configured.

const annotationAGICSSLCertificate = "appgw.ingress.kubernetes.io/appgw-ssl-certificate"

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-087", Title: "Ingress without TLS", Severity: finding.SeverityMedium, Area: "exposure",
			Description: "Without TLS the ingress serves plain HTTP: session cookies, bearer tokens and form posts cross the Internet, and on shared networks anyone in the path can read or rewrite them. " +
				"A host listed in rules but not in tls is served without a matching certificate, so clients either fall back to HTTP or get the controller's default certificate and learn to ignore the warning.",
			Remediation: "Add a tls entry covering every host, with a certificate from cert-manager or Azure Key Vault (application routing add-on: annotation kubernetes.azure.com/tls-cert-keyvault-uri), and redirect HTTP to HTTPS:\n\n" +
				"    spec:\n      tls:\n      - hosts: [shop.example.com]\n        secretName: shop-tls\n      rules:\n      - host: shop.example.com\n\n" +
				"With AGIC also set appgw.ingress.kubernetes.io/ssl-redirect: \"true\".",
			Controls: check.Controls{ASB: []string{"DP-3"}, CIS: []string{"5.4.5"}, Practice: "network"},
			Kinds:    []string{"Ingress"},
			Sources:  check.ObjectSources,
		},
		Eval: evalIngressWithoutTLS,
	})
}

func evalIngressWithoutTLS(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ing, ok := obj.Typed.(*networkingv1.Ingress)
	if !ok {
		return
	}
	if len(ing.Spec.TLS) == 0 {
		if ing.Annotations[annotationAGICSSLCertificate] != "" {
			return
		}
		var hosts []string
		for _, rule := range ing.Spec.Rules {
			if rule.Host != "" {
				hosts = append(hosts, rule.Host)
			}
		}
		ev := strings.Join(hosts, ", ")
		what := "all hosts"
		if ev != "" {
			what = ev
		}
		r.Fail(field.NewPath("spec", "tls"), ev, "Ingress has no tls section, so %s are served over plain HTTP", what)
		return
	}
	var tlsHosts []string
	for _, t := range ing.Spec.TLS {
		if len(t.Hosts) == 0 {
			return // the default certificate covers every host
		}
		tlsHosts = append(tlsHosts, t.Hosts...)
	}
	for i, rule := range ing.Spec.Rules {
		if rule.Host == "" || hostCovered(rule.Host, tlsHosts) {
			continue
		}
		r.Fail(field.NewPath("spec", "rules").Index(i).Child("host"), rule.Host,
			"Ingress rule host %s is not listed in any tls[].hosts, so it is served without a matching certificate", rule.Host)
	}
}

// hostCovered reports whether a TLS host list covers host, with DNS case
// folding and single-label wildcards.
func hostCovered(host string, tlsHosts []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range tlsHosts {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h == host {
			return true
		}
		if rest, ok := strings.CutPrefix(h, "*."); ok {
			if label, parent, found := strings.Cut(host, "."); found && label != "" && label != "*" && parent == rest {
				return true
			}
		}
	}
	return false
}
