package workload

import (
	"slices"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-072 reads data and binaryData of ConfigMaps. A key fails when its
// value contains something shaped like a credential, when the key is named
// like a secret (the K8S-070 rules) and holds a literal, when the key is
// named like a connection string, DSN or URL and the value carries a
// credential (connectionCredential: a passwordless, Managed Identity
// connection string passes), or when a multi-line value (a config file:
// .properties, .env, YAML, JSON, INI) has a line assigning a literal to a
// secret-named setting, e.g. spring.datasource.password=... or
// "Password": "...", or a credential-carrying connection string to a
// connection-named one. One finding per key; evidence and messages carry
// only the masked secret.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-072", Title: "Credentials in a ConfigMap", Severity: finding.SeverityHigh, Area: "secrets",
			Description: "ConfigMaps are not meant for secrets: RBAC roles grant read on them freely (the built-in view role can read every ConfigMap in a namespace, not Secrets), they are not encrypted with the cluster's KMS key, and tools print them in full. " +
				"A password, storage account key, SAS token or private key in a ConfigMap is readable by everyone who can debug the application, and committed to Git with the manifest.",
			Remediation: "Move the value out of the ConfigMap and rotate it. Keep the credential in Azure Key Vault and mount it with the Secrets Store CSI driver (or use Workload ID so that no credential is needed); " +
				"reference it from the configuration file instead of embedding it:\n\n" +
				"    apiVersion: secrets-store.csi.x-k8s.io/v1\n    kind: SecretProviderClass\n    metadata:\n      name: app-secrets\n    spec:\n      provider: azure\n" +
				"      parameters:\n        clientID: <workload identity client id>\n        keyvaultName: my-kv\n        tenantId: <tenant id>\n" +
				"        objects: |\n          array:\n            - |\n              objectName: db-password\n              objectType: secret",
			Controls: check.Controls{ASB: []string{"IM-8"}, CIS: []string{"4.5.2"}, Practice: "data-protection"},
			Kinds:    []string{"ConfigMap"},
			Sources:  check.ObjectSources,
		},
		Eval: evalConfigMapCredentials,
	})
}

func evalConfigMapCredentials(_ *check.Context, obj *inventory.Object, r *check.Report) {
	cm, ok := obj.Typed.(*corev1.ConfigMap)
	if !ok {
		return
	}
	for _, k := range sortedDataKeys(cm.Data) {
		v := cm.Data[k]
		p := field.NewPath("data").Key(k)
		multiLine := strings.Contains(strings.TrimSpace(v), "\n")
		if kind, secret, ok := credentialValue(v); ok {
			ev := finding.Mask(strings.TrimSpace(v))
			if multiLine {
				ev = finding.Mask(secret)
			}
			r.Fail(p, ev, "ConfigMap key %q holds what looks like %s (%s)", k, kind, ev)
			continue
		}
		class := classifyName(k)
		if !multiLine {
			ev := finding.Mask(strings.TrimSpace(v))
			switch class {
			case secretName:
				if !notALiteralSecret(v) {
					r.Fail(p, ev, "ConfigMap key %q is named like a credential and holds a literal value (%s)", k, ev)
				}
			case connectionName:
				if kind, _, ok := connectionCredential(v); ok {
					r.Fail(p, ev, "ConfigMap key %q holds what looks like %s (%s)", k, kind, ev)
				}
			}
			continue
		}
		if class == connectionName {
			if kind, secret, ok := connectionCredential(v); ok {
				ev := finding.Mask(secret)
				r.Fail(p, ev, "ConfigMap key %q holds what looks like %s (%s)", k, kind, ev)
				continue
			}
		}
		if setting, secret, ok := embeddedCredential(v); ok {
			ev := finding.Mask(secret)
			r.Fail(p, ev, "ConfigMap key %q sets %q to a literal credential (%s)", k, setting, ev)
		}
	}
	for _, k := range sortedDataKeys(cm.BinaryData) {
		b := cm.BinaryData[k]
		if len(b) == 0 {
			continue
		}
		p := field.NewPath("binaryData").Key(k)
		class := classifyName(k)
		if class == secretName {
			ev := finding.Mask(string(b))
			r.Fail(p, ev, "ConfigMap binaryData key %q is named like a credential and holds %d bytes", k, len(b))
			continue
		}
		valueCredential := credentialValue
		if class == connectionName {
			valueCredential = connectionCredential
		}
		if utf8.Valid(b) {
			if kind, secret, ok := valueCredential(string(b)); ok {
				ev := finding.Mask(secret)
				r.Fail(p, ev, "ConfigMap binaryData key %q holds what looks like %s (%s)", k, kind, ev)
			}
		}
	}
}

// settingLine reads one "name = value" or "name: value" line of a config
// file, quoted or not (.properties, .env, INI, YAML, JSON): the name and
// the rest of the line. It is the expression
//
//	^[ \t]*["']?([A-Za-z0-9_.\-]+)["']?[ \t]*[:=][ \t]*(.*)$
//
// written out by hand: ConfigMaps hold whole configuration files, and a
// regular-expression pass per line was most of a large scan's time (the
// test holds the two to the same answers).
func settingLine(line string) (name, rest string, ok bool) {
	i := skipBlanks(line, 0)
	if i < len(line) && (line[i] == '"' || line[i] == '\'') {
		i++
	}
	start := i
	for i < len(line) && isSettingNameByte(line[i]) {
		i++
	}
	if i == start {
		return "", "", false
	}
	name = line[start:i]
	if i < len(line) && (line[i] == '"' || line[i] == '\'') {
		i++
	}
	i = skipBlanks(line, i)
	if i >= len(line) || (line[i] != ':' && line[i] != '=') {
		return "", "", false
	}
	return name, line[skipBlanks(line, i+1):], true
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func isSettingNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// settingValue takes the value from the rest of a setting line: after an
// optional quote, up to a quote, white space or a separator (, # ;).
func settingValue(rest string) string {
	i := 0
	if i < len(rest) && (rest[i] == '"' || rest[i] == '\'') {
		i++
	}
	start := i
	for i < len(rest) && !strings.ContainsRune("\"' \t\n\f\r,#;", rune(rest[i])) {
		i++
	}
	return rest[start:i]
}

// embeddedCredential finds the first setting in a config file whose name
// is a secret name and whose value is a literal, or whose name is a
// connection-string name and whose value (the rest of the line) carries a
// credential.
func embeddedCredential(content string) (setting, secret string, ok bool) {
	for line := range strings.Lines(content) {
		name, rest, ok := settingLine(strings.TrimSuffix(line, "\n"))
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		val := settingValue(rest)
		// Values opening a structure ({, [, YAML block scalars, anchors,
		// aliases and tags) are not the setting's value.
		if val == "" || strings.ContainsAny(val[:1], "{[|>&*!") {
			continue
		}
		switch classifyName(name) {
		case secretName:
			if !notALiteralSecret(val) {
				return name, val, true
			}
		case connectionName:
			if _, s, ok := connectionCredential(unquoteSetting(rest)); ok {
				return name, s, true
			}
		}
	}
	return "", "", false
}

// unquoteSetting strips a trailing comma (JSON) and the quotes around a
// setting's value.
func unquoteSetting(v string) string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), ","))
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return v
}

func sortedDataKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
