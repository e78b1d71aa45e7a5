package registryauth

import (
	"net"
	"strings"
)

// DefaultACRHosts are the login-server suffixes of the public, US Government
// and China clouds.
var DefaultACRHosts = []string{"*.azurecr.io", "*.azurecr.us", "*.azurecr.cn"}

// hostMatcher decides which registries are worth an Entra ID round trip; any
// false positive would send an Azure token to a foreign host, so matching is
// strict: suffix patterns need a label in front, anything else is exact.
type hostMatcher struct {
	suffixes []string // ".azurecr.io"
	exact    []string // "127.0.0.1:5000", "myacr.example.com"
}

func newHostMatcher(patterns []string) hostMatcher {
	var m hostMatcher
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		switch {
		case p == "" || p == "*" || p == "*." || p == ".":
			// A bare wildcard would hand tokens to every registry.
		case strings.HasPrefix(p, "*."):
			m.suffixes = append(m.suffixes, p[1:])
		case strings.HasPrefix(p, "."):
			m.suffixes = append(m.suffixes, p)
		default:
			m.exact = append(m.exact, p)
		}
	}
	return m
}

func (m hostMatcher) match(registry string) bool {
	reg := strings.ToLower(registry)
	host, port := reg, ""
	if h, pt, err := net.SplitHostPort(reg); err == nil {
		host, port = h, pt
	}
	for _, e := range m.exact {
		if e == reg || (e == host && !strings.Contains(e, ":")) {
			return true
		}
	}
	for _, s := range m.suffixes {
		// ACR login servers only listen on 443, so any other explicit port
		// means the name is not an ACR endpoint.
		if (port == "" || port == "443") && strings.HasSuffix(host, s) && len(host) > len(s) {
			return true
		}
	}
	return false
}
