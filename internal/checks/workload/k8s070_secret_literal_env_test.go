package workload

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Fake credentials, shaped like the real ones.
const (
	fakeAccountKey  = "q1w2E3r4T5y6U7i8O9p0AaSsDdFfGgHhJjKkLlZzXxCcVvBbNnMm+/0123456789abcdefghijklmnopqrstu=="
	fakeStorageConn = "DefaultEndpointsProtocol=https;AccountName=bulwarktest;AccountKey=" + fakeAccountKey + ";EndpointSuffix=core.windows.net"
	fakeSASSig      = "Zx8Qw7Er6Ty5Ui4Op3As2Df1Gh0JkLm%2BnB%3D"
	fakeSASURL      = "https://bulwarktest.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=" + fakeSASSig
	fakeJWT         = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidWx3YXJrLXRlc3QifQ.Xk2p9Qm4Rz7Lw1Tn5Vb8Cy3Hd6Fg0Js2Ka4Me7Pu9Wq"
	fakeEntraSecret = "abC8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789-"
	fakePEM         = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAbulwarktestbulwarktestbulwarktest\n-----END RSA PRIVATE KEY-----\n"
	fakeGitHubPAT   = "ghp_Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6"
)

func TestCredentialName(t *testing.T) {
	yes := []string{
		"PASSWORD", "DB_PASSWORD", "db-password", "dbPassword", "POSTGRES_PASSWD", "DB_PASS", "MYSQL_ROOT_PWD",
		"CLIENT_SECRET", "clientSecret", "AZURE_CLIENT_SECRET", "client_secret_value", "JWT_SECRET", "SECRET_KEY_BASE",
		"GITHUB_TOKEN", "accessToken", "SAS_TOKEN", "STORAGE_SAS", "BLOB_SAS_URL", "API_KEY", "apiKey", "APIKey", "X-API-KEY",
		"OPENAI_API_KEY", "ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "AZURE_STORAGE_KEY", "AZURE_OPENAI_KEY",
		"AZURE_STORAGE_ACCOUNT_KEY", "STORAGE_ACCOUNT_KEY2", "CONNECTION_STRING", "ConnectionString", "SERVICEBUS_CONNECTION_STRING",
		"ConnectionStrings__Default", "DB_PASSWORD_B64", "PASSWORD_HASH", "DB_PASSWORD_PROD", "ADMIN_CREDENTIALS", "GITHUB_PAT",
		"spring.datasource.password", "htpasswd",
	}
	no := []string{
		"PASSWORD_FILE", "DB_PASSWORD_PATH", "SECRET_NAME", "SECRET_PROVIDER_CLASS", "TOKEN_URL", "TOKEN_ENDPOINT", "TOKEN_AUDIENCE",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_KEYVAULT_NAME", "AZURE_KEY_VAULT_URL",
		"PASSWORD_MIN_LENGTH", "REQUIRE_PASSWORD_CHANGE", "MAX_TOKENS", "CACHE_KEY", "PARTITION_KEY", "KEY", "LOG_LEVEL",
		"BYPASS", "PATH", "PASS_THROUGH", "TOKENIZER", "API_KEY_HEADER", "SECRETS_DIR", "",
	}
	for _, n := range yes {
		if !credentialName(n) {
			t.Errorf("credentialName(%q) = false, want true (words %v)", n, nameWords(n))
		}
	}
	for _, n := range no {
		if credentialName(n) {
			t.Errorf("credentialName(%q) = true, want false (words %v)", n, nameWords(n))
		}
	}
}

func TestSecretLiteralEnv(t *testing.T) {
	tests := []struct {
		name, env, value string
		// secret is the part that must never appear in a finding; the
		// whole value when empty.
		secret string
		want   bool
	}{
		{"password by name", "DB_PASSWORD", "S3cr3t-Passw0rd!", "", true},
		{"camel-case client secret", "clientSecret", "abcDEF123456ghi", "", true},
		{"azure key", "AZURE_STORAGE_KEY", "c2VjcmV0LXN0b3JhZ2Uta2V5", "", true},
		{"well-known default is reported", "ADMIN_PASSWORD", "changeme", "", true},
		{"storage connection string under any name", "STORAGE", fakeStorageConn, fakeAccountKey, true},
		{"SAS URL", "BACKUP_TARGET", fakeSASURL, fakeSASSig, true},
		{"JWT in a header value", "AUTH_HEADER", "Bearer " + fakeJWT, fakeJWT, true},
		{"Entra client secret shape", "AAD_CONFIG", fakeEntraSecret, "", true},
		{"PEM private key", "TLS_MATERIAL", fakePEM, "MIIEowIBAAKCAQEAbulwarktest", true},
		{"GitHub token", "GH", fakeGitHubPAT, "", true},
		{"URL with password", "DATABASE_URL", "postgres://app:hunter2pass@db:5432/app", "hunter2pass", true},
		{"SQL connection string", "SQL", "Server=tcp:x.database.windows.net;Database=db;User ID=app;Password=Sup3rS3cret!;", "Sup3rS3cret!", true},
		{"empty", "DB_PASSWORD", "", "", false},
		{"dependent env reference", "DB_PASSWORD", "$(DB_PASSWORD_FROM_SECRET)", "", false},
		{"template marker", "DB_PASSWORD", "${DB_PASSWORD}", "", false},
		{"angle placeholder", "DB_PASSWORD", "<password>", "", false},
		{"already masked", "DB_PASSWORD", "********", "", false},
		{"URL password is a reference", "DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db:5432/app", "", false},
		{"connection string password is a reference", "SQL", "Server=x;User ID=app;Password=$(SQL_PASSWORD)", "", false},
		{"boolean flag", "REQUIRE_PASSWORD", "true", "", false},
		{"number", "MAX_TOKEN", "4096", "", false},
		{"file path", "CLIENT_SECRET", "/var/run/secrets/azure/client-secret", "", false},
		{"password file", "DB_PASSWORD_FILE", "/run/secrets/db", "", false},
		{"token endpoint", "TOKEN_URL", "https://login.microsoftonline.com/tenant/oauth2/v2.0/token", "", false},
		{"client id", "AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555", "", false},
		{"ordinary", "LOG_LEVEL", "debug", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        env:
        - name: HOME
          value: /home/app
        - name: ` + tt.env + `
          value: ` + strconv.Quote(tt.value) + "\n"
			fs := checktest.Run(t, "K8S-070", doc, nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].env[1].value"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("%s=%q: got %v, want %v", tt.env, tt.value, got, want)
			}
			if !tt.want {
				return
			}
			f := fs[0]
			secret := tt.secret
			if secret == "" {
				secret = tt.value
			}
			for _, s := range []string{tt.value, secret} {
				if strings.Contains(f.Message, s) || strings.Contains(f.Evidence, s) {
					t.Errorf("finding leaks the secret: message %q, evidence %q", f.Message, f.Evidence)
				}
			}
			if f.Evidence != finding.Mask(tt.value) {
				t.Errorf("evidence = %q, want %q", f.Evidence, finding.Mask(tt.value))
			}
			if !strings.Contains(f.Message, strconv.Quote(tt.env)) || !strings.Contains(f.Message, `container "app"`) {
				t.Errorf("message does not name the variable and container: %q", f.Message)
			}
			if f.Location.Line != 14 {
				t.Errorf("location = %s, want line 14", f.Location)
			}
		})
	}
}

func TestSecretLiteralEnvSkipsValueFrom(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: init
    image: app
    env:
    - name: API_TOKEN
      value: tok-0123456789abcdef
  containers:
  - name: app
    image: app
    env:
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
`
	fs := checktest.Run(t, "K8S-070", doc, nil)
	want := []string{"spec.initContainers[0].env[0].value"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if strings.Contains(fs[0].Message, "tok-0123456789abcdef") || !strings.Contains(fs[0].Message, `init container "init"`) {
		t.Errorf("message = %q", fs[0].Message)
	}
}
