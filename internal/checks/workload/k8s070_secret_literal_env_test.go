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
	secret := []string{
		"PASSWORD", "DB_PASSWORD", "db-password", "dbPassword", "POSTGRES_PASSWD", "DB_PASS", "MYSQL_ROOT_PWD",
		"CLIENT_SECRET", "clientSecret", "AZURE_CLIENT_SECRET", "client_secret_value", "JWT_SECRET", "SECRET_KEY_BASE",
		"GITHUB_TOKEN", "accessToken", "SAS_TOKEN", "STORAGE_SAS", "BLOB_SAS_URL", "API_KEY", "apiKey", "APIKey", "X-API-KEY",
		"OPENAI_API_KEY", "ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "AZURE_STORAGE_KEY", "AZURE_OPENAI_KEY",
		"AZURE_STORAGE_ACCOUNT_KEY", "STORAGE_ACCOUNT_KEY2", "DB_PASSWORD_B64", "PASSWORD_HASH", "DB_PASSWORD_PROD",
		"ADMIN_CREDENTIALS", "GITHUB_PAT", "spring.datasource.password", "htpasswd",
		// Log Analytics and Azure primary/secondary keys.
		"LOG_ANALYTICS_SHARED_KEY", "WORKSPACE_KEY", "WORKSPACE_SHARED_KEY", "LOG_ANALYTICS_WORKSPACE_KEY", "workspaceKey",
		"sharedKey", "SHAREDKEY", "PRIMARY_KEY", "SECONDARY_KEY", "primarySharedKey", "COSMOS_PRIMARY_MASTER_KEY",
		"MASTER_KEY", "SIGNING_KEY", "JWT_SIGNING_KEY", "ENCRYPTION_KEY", "DATA_ENCRYPTION_KEY_OLD", "SHARED_KEY_SECONDARY",
		// Key material inline, cryptographic key kinds, Azure service keys.
		"SSH_KEY_CONTENT", "TLS_KEY_CONTENT", "AZURE_STORAGE_KEY_CONTENT", "PRIVATE_KEY_CONTENT", "GCP_KEY_CONTENTS", "KEY_MATERIAL",
		"APP_PRIVATE_KEY", "SSH_PRIVATE_KEY", "SSH_KEY", "TLS_KEY", "GPG_KEY", "ED25519_KEY", "CLIENT_CERT_KEY", "JWT_KEY",
		"STORAGE_SAS_TOKEN", "SB_SAS_KEY_VALUE", "OAUTH_CLIENT_SECRET", "DB_PASSWD", "MSSQL_SA_PWD", "DB_PW", "BEARER_TOKEN", "BEARER",
		"SENDGRID_APIKEY", "X_APIKEY", "AZURE_STORAGE_ACCESS_KEY", "STORAGE_ACCOUNT_ACCESS_KEY", "AZURE_STORAGEACCOUNT_KEY",
		"COSMOS_DB_KEY", "COSMOSDB_KEY", "EVENT_HUB_KEY", "EVENTHUB_KEY", "SERVICE_BUS_KEY", "REDIS_KEY", "SEARCH_QUERY_KEY",
		"SIGNALR_KEY", "OPENAI_KEY", "SPEECH_KEY", "PASSWORD_TEXT", "TOKEN_INLINE",
	}
	connection := []string{
		"CONNECTION_STRING", "ConnectionString", "SERVICEBUS_CONNECTION_STRING", "ConnectionStrings__Default",
		"AZURE_STORAGE_CONNECTION_STRING", "REDIS_CONN_STR", "DB_CONNSTRING", "SQL_DSN", "dsn", "DATABASE_URL", "MONGODB_URI",
		"REDIS_URL_PROD", "TOKEN_URL", "KEYVAULT_URI",
	}
	no := []string{
		"PASSWORD_FILE", "DB_PASSWORD_PATH", "SECRET_NAME", "SECRET_PROVIDER_CLASS", "TOKEN_ENDPOINT", "TOKEN_AUDIENCE",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_KEYVAULT_NAME",
		"PASSWORD_MIN_LENGTH", "REQUIRE_PASSWORD_CHANGE", "MAX_TOKENS", "CACHE_KEY", "PARTITION_KEY", "KEY", "LOG_LEVEL",
		"BYPASS", "PATH", "PASS_THROUGH", "TOKENIZER", "API_KEY_HEADER", "SECRETS_DIR", "",
		// Qualifiers that only name a secret when the key word comes last.
		"KEY_VAULT_NAME", "KEYVAULT_NAME", "PRIMARY_REGION", "SECONDARY_REGION", "SIGNING_ALGORITHM", "ENCRYPTION_ALGORITHM",
		"WORKSPACE_ID", "LOG_ANALYTICS_WORKSPACE_ID", "WORKSPACE_NAME", "SHARED_KEY_NAME", "MASTER_KEY_VERSION",
		"ENCRYPTION_KEY_ID", "PRIMARY_KEY_COLUMN", "SHARED_ACCESS_KEY_NAME", "SHARED_DRIVE", "MASTER_NODE",
		// Names about a key or secret that are not it.
		"AZURE_KEY_VAULT_NAME", "PUBLIC_KEY", "SSH_PUBLIC_KEY", "PUBLIC_KEY_CONTENT", "SSH_PUBLIC_KEY_CONTENT", "SSH_KEY_PATH",
		"SSH_KEY_FILE", "TLS_KEY_FILE", "PRIVATE_KEY_PATH", "KEY_CONTENT_TYPE", "ACCOUNT_KEY_NAME", "STORAGE_KEY_NAME",
		"COSMOS_DB_KEY_NAME", "EVENT_HUB_KEY_NAME", "REDIS_KEY_PREFIX", "ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID", "SSH_KEY_TYPE",
		"PW_LENGTH", "PWD_DIR", "OLDPWD", "TOKEN_TTL", "PASSWORD_POLICY", "CLIENT_SECRET_EXPIRY", "APIKEY_HEADER", "DB_KEY",
		"STORAGE_PARTITION_KEY", "SORT_KEY", "RSA_KEY_SIZE", "KEY_CONTENT_ENCODING",
	}
	for _, tt := range []struct {
		names []string
		want  nameClass
	}{{secret, secretName}, {connection, connectionName}, {no, notCredentialName}} {
		for _, n := range tt.names {
			if got := classifyName(n); got != tt.want {
				t.Errorf("classifyName(%q) = %d, want %d (words %v)", n, got, tt.want, nameWords(n))
			}
			if got := credentialName(n); got != (tt.want == secretName) {
				t.Errorf("credentialName(%q) = %v (words %v)", n, got, nameWords(n))
			}
		}
	}
}

func TestConnectionCredential(t *testing.T) {
	yes := []struct{ value, secret string }{
		{fakeStorageConn, fakeAccountKey},
		{"DefaultEndpointsProtocol=https;AccountName=dev;AccountKey=devkey1;EndpointSuffix=core.windows.net", "devkey1"},
		{"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=shortkey", "shortkey"},
		{"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=abc&se=1", "SharedAccessSignature"},
		{"BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022&sig=abc", "sv=2022"},
		{"https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abc123", "abc123"},
		{"Server=tcp:x.database.windows.net,1433;Database=db;User ID=app;Password=pw1;", "pw1"},
		{"Driver={ODBC Driver 18};Server=x;UID=app;PWD=pw2", "pw2"},
		{"contoso.redis.cache.windows.net:6380,password=redispw,ssl=True,abortConnect=False", "redispw"},
		{"host=db port=5432 user=app password='pg pass' dbname=app", "pg pass"},
		{"jdbc:mysql://db:3306/app?user=app&password=jdbcpw", "jdbcpw"},
		{"redis://:redispw2@cache:6379/0", "redispw2"},
		{"app:mysqlpw@tcp(db:3306)/app", "mysqlpw"},
		{"postgres://app:hunter2pass@db:5432/app", "hunter2pass"},
		{"AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=cosmoskey;", "cosmoskey"},
	}
	no := []string{
		"", "BlobEndpoint=https://contosodemo.blob.core.windows.net/",
		"contoso.redis.cache.windows.net:6380,ssl=True,abortConnect=False",
		"Server=tcp:x.database.windows.net,1433;Database=db;Authentication=Active Directory Default;Encrypt=True",
		"Server=tcp:x.database.windows.net;Authentication=Active Directory Managed Identity;User Id=11111111-2222-3333-4444-555555555555",
		"Endpoint=sb://ns.servicebus.windows.net/;EntityPath=orders",
		"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey",
		"InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
		"AccountEndpoint=https://x.documents.azure.com:443/;", "https://x.vault.azure.net/", "https://login.microsoftonline.com/t/oauth2/v2.0/token",
		"https://user@example.com/repo.git", "Server=x;User ID=app;Password=;", "Server=x;Password=$(SQL_PASSWORD)",
		"Server=x;Password={{ .Values.db.password }};", "redis://:${REDIS_PASSWORD}@cache:6379", "UseDevelopmentStorage=true",
		"host=db user=app password=**** dbname=app", "opaque-value-without-structure",
	}
	for _, tt := range yes {
		kind, secret, ok := connectionCredential(tt.value)
		if !ok || secret != tt.secret {
			t.Errorf("connectionCredential(%q) = %q, %q, %v; want secret %q", tt.value, kind, secret, ok, tt.secret)
		}
	}
	for _, v := range no {
		if kind, secret, ok := connectionCredential(v); ok {
			t.Errorf("connectionCredential(%q) = %q, %q, true; want false", v, kind, secret)
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
		{"Log Analytics shared key", "LOG_ANALYTICS_SHARED_KEY", "bG9nYW5hbHl0aWNzLWtleQ==", "", true},
		{"workspace key", "WORKSPACE_KEY", "d29ya3NwYWNlLWtleQ==", "", true},
		{"workspace shared key", "WORKSPACE_SHARED_KEY", "d29ya3NwYWNlLXNoYXJlZA==", "", true},
		{"primary key", "PRIMARY_KEY", "cHJpbWFyeS1rZXk=", "", true},
		{"secondary key", "SECONDARY_KEY", "c2Vjb25kYXJ5LWtleQ==", "", true},
		{"key vault name", "KEY_VAULT_NAME", "contoso-kv", "", false},
		{"key vault uri", "KEYVAULT_URI", "https://contoso-kv.vault.azure.net/", "", false},
		{"primary region", "PRIMARY_REGION", "westeurope", "", false},
		{"signing algorithm", "SIGNING_ALGORITHM", "RS256", "", false},
		{"workspace id", "LOG_ANALYTICS_WORKSPACE_ID", "11111111-2222-3333-4444-555555555555", "", false},
		{"managed identity blob connection string", "STORAGE_CONNECTION_STRING", "BlobEndpoint=https://contosodemo.blob.core.windows.net/", "", false},
		{"managed identity redis connection string", "REDIS_CONNECTION_STRING", "contoso.redis.cache.windows.net:6380,ssl=True,abortConnect=False", "", false},
		{"managed identity SQL connection string", "SQL_CONNECTION_STRING", "Server=tcp:x.database.windows.net;Database=db;Authentication=Active Directory Default", "", false},
		{"plain database URL", "DATABASE_URL", "postgres://db:5432/app?sslmode=require", "", false},
		{"DSN without password", "SENTRY_DSN", "https://0123456789abcdef@o0.ingest.sentry.io/0", "", false},
		{"connection string with account key", "STORAGE_CONNECTION_STRING", fakeStorageConn, fakeAccountKey, true},
		{"connection string with short account key", "STORAGE_CONNECTION_STRING", "AccountName=dev;AccountKey=devkey1", "devkey1", true},
		{"redis connection string with password", "REDIS_CONNECTION_STRING", "contoso.redis.cache.windows.net:6380,password=redispw,ssl=True", "redispw", true},
		{"DSN with password", "MYSQL_DSN", "app:mysqlpw@tcp(db:3306)/app", "mysqlpw", true},
		{"secret name keeps any literal", "SERVICEBUS_SECRET", "Endpoint=sb://ns.servicebus.windows.net/", "", true},
		{"inline key content", "SSH_KEY_CONTENT", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "", true},
		{"Cosmos DB key", "COSMOS_DB_KEY", "Y29zbW9zLWtleS12YWx1ZQ==", "", true},
		{"event hub key", "EVENT_HUB_KEY", "ZXZlbnRodWIta2V5", "", true},
		{"SAS token", "STORAGE_SAS_TOKEN", "sv=2022-11-02&sp=r&sr=b", "", true},
		{"short password word", "DB_PW", "pa55word", "", true},
		{"key vault name is a name", "AZURE_KEY_VAULT_NAME", "contoso-kv", "", false},
		{"password file is a path", "DB_PASSWORD_FILE", "/mnt/secrets/db-password", "", false},
		{"token URL is a URL", "OAUTH_TOKEN_URL", "https://login.microsoftonline.com/t/oauth2/v2.0/token", "", false},
		{"public key content", "SSH_PUBLIC_KEY_CONTENT", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBulwark", "", false},
		{"key path", "SSH_KEY_PATH", "/etc/ssh/id_ed25519", "", false},
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
