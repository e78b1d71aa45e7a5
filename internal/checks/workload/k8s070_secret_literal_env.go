package workload

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-070 reads env[*].name and env[*].value of every container (init,
// regular and ephemeral). A literal value fails when it looks like a
// credential whatever its name (see credentialValue), when the name says it
// holds a secret (see classifyName) and the value is not a reference or
// template marker (see notALiteralSecret), or when the name only says it
// holds a connection string, DSN or URL and the value itself carries a
// credential (see connectionCredential): a passwordless connection string
// (Managed Identity, Workload ID) is not a secret. Values read through
// valueFrom are K8S-071's business. Evidence and messages only carry the
// masked value.
//
// The name and value rules below are shared with K8S-072 (ConfigMaps).
//
// Decision on placeholders: a value is skipped only when it cannot be the
// credential the container starts with: empty or null-like, already masked
// (****, xxxx), a $(VAR) / ${VAR} / {{ }} / <...> template marker, a
// boolean or number, or a file path or URL without credentials. Word
// defaults such as "changeme", "admin" or "password" are reported: the
// container runs with them, and a well-known default is the first thing an
// attacker tries.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-070", Title: "Credential in a literal environment variable", Severity: finding.SeverityHigh, Area: "secrets",
			Description: "A password, key, token or connection string written as env[].value is stored in the manifest, in Git history, in every rendered Helm release and in the Deployment object that anyone with get on deployments (a much wider group than get on secrets) can read. " +
				"It also shows in `kubectl describe`, in crash dumps and in /proc/<pid>/environ. Azure examples seen in practice: storage account keys and SAS tokens, Service Bus connection strings, Entra client secrets in AZURE_CLIENT_SECRET.",
			Remediation: "Remove the literal and rotate the credential: it is compromised once committed. Prefer no secret at all (Microsoft Entra Workload ID instead of client secrets or account keys). " +
				"Otherwise keep it in Azure Key Vault and mount it with the Secrets Store CSI driver, or at least reference a Kubernetes Secret:\n\n" +
				"    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db-credentials\n          key: password",
			Controls: check.Controls{ASB: []string{"IM-8"}, CIS: []string{"4.5.2"}, Practice: "data-protection"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalSecretLiteralEnv,
	})
}

func evalSecretLiteralEnv(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		for i, e := range c.Env {
			if e.Value == "" || e.ValueFrom != nil {
				continue
			}
			p := c.Path.Child("env").Index(i).Child("value")
			masked := finding.Mask(e.Value)
			if kind, _, ok := credentialValue(e.Value); ok {
				r.Fail(p, masked, "%s env var %q holds what looks like %s as a literal value (%s)", containerRef(c), e.Name, kind, masked)
				continue
			}
			switch classifyName(e.Name) {
			case secretName:
				if !notALiteralSecret(e.Value) {
					r.Fail(p, masked, "%s env var %q is named like a credential and set to a literal value (%s)", containerRef(c), e.Name, masked)
				}
			case connectionName:
				if kind, _, ok := connectionCredential(e.Value); ok {
					r.Fail(p, masked, "%s env var %q holds %s as a literal value (%s)", containerRef(c), e.Name, kind, masked)
				}
			}
		}
	}
}

// Name rules. A name is split into lower-case words at separators, camel
// case and letter/digit boundaries (clientSecret, CLIENT_SECRET and
// client-secret all give client, secret). It names a credential when its
// last credential word is followed only by harmless qualifiers: DB_PASSWORD
// and PASSWORD_B64 are credentials, PASSWORD_FILE, TOKEN_URL and
// SECRET_NAME name something else.
//
// Credential words come in two classes. Secret words (password, secret,
// token, api key, access key...) say the value is a secret: any literal is
// reported. Connection words (connection string, conn str, dsn, url, uri)
// only say the value tells how to reach a service: it is reported only
// when the value itself carries a credential, so that
// BlobEndpoint=https://acct.blob.core.windows.net/ (Managed Identity) or a
// plain https URL passes.

// nameClass is what a name says about its value.
type nameClass int

const (
	notCredentialName nameClass = iota
	// connectionName: a connection string, DSN or URL, which may or may
	// not embed a credential.
	connectionName
	// secretName: a secret itself.
	secretName
)

// credentialWordSuffixes end a single word that names a secret (so that
// run-together names such as clientsecret or apikey match too).
var credentialWordSuffixes = []string{
	"password", "passwords", "passwd", "passphrase", "secret", "secrets", "token",
	"credential", "credentials", "creds", "apikey", "accesskey", "privatekey", "secretkey",
	"accountkey", "storagekey", "masterkey", "sharedaccesskey", "subscriptionkey", "signingkey",
	"encryptionkey", "sharedkey", "workspacekey", "sastoken",
}

// connectionWordSuffixes end a single word that names a connection string.
var connectionWordSuffixes = []string{"connectionstring", "connectionstrings", "connstr", "connstring"}

// credentialWords are whole words that name a secret.
var credentialWords = map[string]bool{"pwd": true, "pw": true, "pass": true, "sas": true, "pat": true, "htpasswd": true, "bearer": true}

// connectionWords are whole words that name a connection string, DSN or
// URL.
var connectionWords = map[string]bool{"dsn": true, "url": true, "uri": true}

// keyQualifiers make a following "key" a credential: API_KEY, ACCESS_KEY,
// PRIVATE_KEY, SHARED_KEY, WORKSPACE_KEY (Log Analytics), PRIMARY_KEY
// (Azure's primary/secondary key pairs), the key kinds of cryptography
// (SSH_KEY, TLS_KEY, ED25519_KEY) and the Azure services whose access keys
// are the credential (COSMOS_DB_KEY, EVENT_HUB_KEY, REDIS_KEY)... but not
// CACHE_KEY, PARTITION_KEY or PUBLIC_KEY. Two words before "key" count
// run together too (cosmos db → cosmosdb, event hub → eventhub).
var keyQualifiers = map[string]bool{
	"api": true, "access": true, "private": true, "secret": true, "signing": true, "encryption": true, "decryption": true,
	"master": true, "account": true, "storage": true, "storageaccount": true, "subscription": true, "admin": true, "primary": true,
	"secondary": true, "function": true, "functions": true, "license": true, "app": true, "auth": true,
	"client": true, "sas": true, "hmac": true, "webhook": true, "service": true, "cosmos": true, "search": true,
	"shared": true, "workspace": true, "query": true, "deploy": true,
	"ssh": true, "tls": true, "ssl": true, "gpg": true, "pgp": true, "rsa": true, "ecdsa": true, "dsa": true, "ed": true,
	"cert": true, "certificate": true, "jwt": true, "jwk": true,
	"cosmosdb": true, "documentdb": true, "redis": true, "eventhub": true, "eventhubs": true, "servicebus": true,
	"iothub": true, "signalr": true, "webpubsub": true, "relay": true, "notificationhub": true, "appconfig": true,
	"openai": true, "cognitive": true, "cognitiveservices": true, "speech": true, "translator": true, "maps": true,
}

// keyMaterial after "key" says the value is the key itself, whatever kind
// of key: SSH_KEY_CONTENT, KEY_MATERIAL. A public key is not a secret.
var keyMaterial = map[string]bool{"content": true, "contents": true, "material": true}

// trailingQualifiers may follow the credential word without changing what
// the name holds.
var trailingQualifiers = map[string]bool{
	"value": true, "val": true, "b": true, "base": true, "hash": true, "hashed": true, "enc": true,
	"encrypted": true, "encoded": true, "plain": true, "plaintext": true, "raw": true, "str": true, "string": true,
	"data": true, "pem": true, "der": true, "hex": true, "sha": true, "md": true, "prod": true, "production": true,
	"dev": true, "staging": true, "test": true, "primary": true, "secondary": true, "old": true, "new": true,
	"current": true, "next": true, "prev": true, "previous": true, "backup": true, "default": true, "override": true,
	// The credential's own content, inline rather than a path to it.
	"content": true, "contents": true, "material": true, "text": true, "body": true, "bytes": true, "blob": true,
	"inline": true, "literal": true, "json": true,
}

// credentialName reports whether an env var or ConfigMap key name says it
// holds a secret, so that any literal value is one.
func credentialName(name string) bool { return classifyName(name) == secretName }

// classifyName reports what an env var or ConfigMap key name says about
// its value. The last credential word decides.
func classifyName(name string) nameClass {
	toks := nameWords(name)
	for j := len(toks) - 1; j >= 0; j-- {
		class := credentialWordEndsAt(toks, j)
		if class == notCredentialName {
			continue
		}
		for _, t := range toks[j+1:] {
			if !trailingQualifiers[t] && !isDigitWord(t) {
				return notCredentialName
			}
		}
		return class
	}
	return notCredentialName
}

func credentialWordEndsAt(toks []string, j int) nameClass {
	t := toks[j]
	if credentialWords[t] {
		return secretName
	}
	for _, s := range credentialWordSuffixes {
		if strings.HasSuffix(t, s) {
			return secretName
		}
	}
	for _, s := range connectionWordSuffixes {
		if strings.HasSuffix(t, s) {
			return connectionName
		}
	}
	switch {
	case t == "key" || t == "keys":
		// AZURE_*_KEY, a qualified key (API_KEY, ACCOUNT_KEY, ED25519_KEY,
		// COSMOS_DB_KEY...) or the key's material (SSH_KEY_CONTENT).
		prev, pair := "", ""
		if i := j - 1; i >= 0 {
			if isDigitWord(toks[i]) && i > 0 {
				i--
			}
			prev = toks[i]
			if i > 0 {
				pair = toks[i-1] + toks[i]
			}
		}
		if toks[0] == "azure" && j > 0 || keyQualifiers[prev] || keyQualifiers[pair] ||
			j+1 < len(toks) && keyMaterial[toks[j+1]] && prev != "public" {
			return secretName
		}
	case t == "string" || t == "strings" || t == "str":
		if j > 0 && (toks[j-1] == "connection" || toks[j-1] == "conn") {
			return connectionName
		}
	case t == "url" || t == "uri":
		// A SAS URL is a secret; any other URL may hold one.
		if j > 0 && toks[j-1] == "sas" {
			return secretName
		}
		return connectionName
	case connectionWords[t]:
		return connectionName
	}
	return notCredentialName
}

// nameWords splits a name into lower-case words.
func nameWords(s string) []string {
	var out []string
	rs := []rune(s)
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(cur) > 0 {
			prev := rs[i-1]
			switch {
			case unicode.IsUpper(r) && unicode.IsLower(prev),
				unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]),
				unicode.IsDigit(r) != unicode.IsDigit(prev):
				flush()
			}
		}
		cur = append(cur, unicode.ToLower(r))
	}
	flush()
	return out
}

func isDigitWord(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Value rules.

var (
	// templateRefRE matches Kubernetes $(VAR) expansion and ${VAR}, {{ }}
	// or <...> template markers: the real value is filled in elsewhere.
	templateRefRE = regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[^}]*\}|\{\{.*?\}\}|^<[^<>]*>$`)
	// maskedRE matches values already masked or null-like.
	maskedRE      = regexp.MustCompile(`(?i)^(\*+|x{3,}|\.{3,}|-+|n/?a|none|null|nil|undefined|redacted|\[redacted\])$`)
	boolValueRE   = regexp.MustCompile(`(?i)^(true|false|yes|no|on|off|enabled|disabled)$`)
	numberValueRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	// filePathValueRE matches absolute file paths, e.g. /var/run/secrets/token.
	filePathValueRE = regexp.MustCompile(`^(/[A-Za-z0-9._@-]+)+/?$|^[A-Za-z]:\\`)
	// plainURLRE matches URLs with no user:password part.
	plainURLRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^\s@]*$`)
)

// notALiteralSecret reports whether a value under a credential-like name
// is something other than the credential itself: empty, a reference, a
// template marker, already masked, a boolean or number, a path or a URL
// without credentials.
func notALiteralSecret(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || templateRefRE.MatchString(v) || maskedRE.MatchString(v) || boolValueRE.MatchString(v) ||
		numberValueRE.MatchString(v) || filePathValueRE.MatchString(v) || plainURLRE.MatchString(v)
}

// credentialPattern recognises a credential by its shape. group is the
// submatch holding the secret part (0 for the whole match). hints are
// lower-case literals one of which every match contains: a value without
// any is not searched with the expression, which keeps a large value (a
// configuration file in a ConfigMap) at the cost of a few substring scans
// instead of a dozen regular-expression passes.
type credentialPattern struct {
	kind  string
	re    *regexp.Regexp
	group int
	hints []string
}

var credentialPatterns = []credentialPattern{
	{"a PEM private key", regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)`), 0, []string{"private key"}},
	{"an Azure Storage account key", regexp.MustCompile(`(?i)\bAccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})`), 1, []string{"accountkey"}},
	{"an Azure shared access key", regexp.MustCompile(`(?i)\bSharedAccessKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})`), 1, []string{"sharedaccesskey"}},
	{"an Azure SAS token", regexp.MustCompile(`(?i)(?:^|[?&;\s])sig=([A-Za-z0-9%+/_-]{16,}={0,2})`), 1, []string{"sig="}},
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`), 0, []string{"eyj"}},
	{"a Microsoft Entra client secret", regexp.MustCompile(`(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:$|[^A-Za-z0-9_~.-])`), 1, []string{"q~"}},
	{"a GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b`), 0, []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{"an AWS access key", regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`), 0, []string{"akia", "asia"}},
	{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`), 0, []string{"xox"}},
	{"a connection string with a password", regexp.MustCompile(`(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)`), 1, []string{"password", "pwd"}},
	{"a URL with an embedded password", regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@`), 1, []string{"://"}},
}

// credentialValue reports whether v contains something shaped like a
// credential, naming what it looks like and returning the secret part.
// Parts that are references or template markers ("Password=$(DB_PW)") do
// not count.
func credentialValue(v string) (kind, secret string, ok bool) {
	lower := strings.ToLower(v)
	for _, p := range credentialPatterns {
		if !slices.ContainsFunc(p.hints, func(h string) bool { return strings.Contains(lower, h) }) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatch(v, -1) {
			s := strings.TrimSpace(m[p.group])
			if p.group != 0 && notALiteralSecret(s) {
				continue
			}
			return p.kind, s, true
		}
	}
	return "", "", false
}

var (
	// connectionPairRE matches one key=value pair of a connection string,
	// DSN or URL query: ADO.NET and Azure (;), StackExchange.Redis (,),
	// query strings (? and &) and libpq keyword/value (spaces). The value
	// may be quoted.
	connectionPairRE = regexp.MustCompile(`(?:^|[;,&?\s])\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*("[^"]*"|'[^']*'|[^;,&\s"']*)`)
	// connectionURLPasswordRE matches a URL or DSN with a password and an
	// optional user: redis://:pw@host, user:pw@tcp(host)/db.
	connectionURLPasswordRE = regexp.MustCompile(`^(?:[A-Za-z][A-Za-z0-9+.-]*://)?[^/\s:@]*:([^/\s@]+)@\S`)
)

// connectionSecretKeys are connection-string keys that hold a credential
// though the name rules do not say so.
var connectionSecretKeys = map[string]bool{"sig": true, "sharedaccesssignature": true}

// connectionCredential reports whether a connection string, DSN or URL
// carries a credential: anything credentialValue recognises, a key=value
// pair whose key names a secret (AccountKey=, SharedAccessKey=,
// SharedAccessSignature=, sig=, Password=, pwd=, password= in a Redis
// string...) with a literal value, or a password before @. It is more
// lenient with short values than credentialValue, which applies to every
// value whatever its name.
func connectionCredential(v string) (kind, secret string, ok bool) {
	if kind, secret, ok := credentialValue(v); ok {
		return kind, secret, true
	}
	// Template markers may hold spaces or separators ({{ .Values.pw }}):
	// reduce them to a single reference first.
	v = templateRefRE.ReplaceAllLiteralString(strings.TrimSpace(v), "$(REF)")
	for _, m := range connectionPairRE.FindAllStringSubmatch(v, -1) {
		key, val := m[1], strings.Trim(m[2], `"'`)
		if !connectionSecretKeys[strings.ToLower(key)] && !credentialName(key) {
			continue
		}
		if val = strings.TrimSpace(val); notALiteralSecret(val) {
			continue
		}
		return "a connection string with a literal " + key, val, true
	}
	if m := connectionURLPasswordRE.FindStringSubmatch(v); m != nil && !notALiteralSecret(m[1]) {
		return "a connection string with an embedded password", m[1], true
	}
	return "", "", false
}
