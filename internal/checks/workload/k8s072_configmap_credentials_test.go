package workload

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

func TestConfigMapCredentials(t *testing.T) {
	tests := []struct {
		name, key, value string
		// secret must not appear in the finding; masked is the part whose
		// mask is the evidence (the whole value for single-line values).
		secret, masked string
		want           bool
	}{
		{"password key", "DB_PASSWORD", "hunter2hunter2", "hunter2hunter2", "hunter2hunter2", true},
		{"storage connection string", "storage", fakeStorageConn, fakeAccountKey, fakeStorageConn, true},
		{"SAS URL", "backup-target", fakeSASURL, fakeSASSig, fakeSASURL, true},
		{"properties file", "application.properties", "server.port=8080\nspring.datasource.username=app\nspring.datasource.password=Sup3rS3cret\n", "Sup3rS3cret", "Sup3rS3cret", true},
		{"yaml file", "config.yaml", "auth:\n  tokenUrl: https://login.microsoftonline.com/t/oauth2/v2.0/token\n  clientSecret: abcdefghijklmnopqrstuv\n", "abcdefghijklmnopqrstuv", "abcdefghijklmnopqrstuv", true},
		{"json file", "appsettings.json", "{\n  \"Logging\": {\"LogLevel\": \"Info\"},\n  \"Db\": {\n    \"Password\": \"pa55w0rd-json\"\n  }\n}\n", "pa55w0rd-json", "pa55w0rd-json", true},
		{"env file", ".env", "LOG_LEVEL=debug\nAPI_KEY=k-9f8e7d6c5b4a\n", "k-9f8e7d6c5b4a", "k-9f8e7d6c5b4a", true},
		{"PEM key file", "tls.key", "# server key\n" + fakePEM, "MIIEowIBAAKCAQEAbulwarktest", strings.TrimSpace(fakePEM), true},
		{"inline key content", "SSH_KEY_CONTENT", "b3BlbnNzaC1rZXktdjEAAAAA", "b3BlbnNzaC1rZXktdjEAAAAA", "b3BlbnNzaC1rZXktdjEAAAAA", true},
		{"Cosmos DB key in a config file", "app.env", "COSMOS_DB_KEY=Y29zbW9zLWtleQ\nCOSMOS_DB_NAME=orders\n", "Y29zbW9zLWtleQ", "Y29zbW9zLWtleQ", true},
		{"key vault name", "AZURE_KEY_VAULT_NAME", "contoso-kv", "", "", false},
		{"password file path", "DB_PASSWORD_FILE", "/mnt/secrets/db", "", "", false},
		{"token URL", "TOKEN_URL", "https://login.microsoftonline.com/t/oauth2/v2.0/token", "", "", false},
		{"plain setting", "log-level", "debug", "", "", false},
		{"password key empty", "DB_PASSWORD", "", "", "", false},
		{"password key reference", "DB_PASSWORD", "${DB_PASSWORD}", "", "", false},
		{"json file with references", "appsettings.json", "{\n  \"Db\": {\n    \"Password\": \"${DB_PASSWORD}\",\n    \"PasswordFile\": \"/run/secrets/db\"\n  }\n}\n", "", "", false},
		{"yaml nested block", "config.yaml", "password:\n  file: /run/secrets/pw\nsecret: {}\n", "", "", false},
		{"public certificate", "ca.crt", "-----BEGIN CERTIFICATE-----\nMIIBbulwark\n-----END CERTIFICATE-----\n", "", "", false},
		// Connection strings: reported only when the value carries a credential.
		{"managed identity blob connection string", "STORAGE_CONNECTION_STRING", "BlobEndpoint=https://contosodemo.blob.core.windows.net/", "", "", false},
		{"managed identity redis connection string", "RedisConnectionString", "contoso.redis.cache.windows.net:6380,ssl=True,abortConnect=False", "", "", false},
		{"managed identity service bus connection string", "ConnectionStrings__ServiceBus", "Endpoint=sb://contoso.servicebus.windows.net/;Authentication=Managed Identity", "", "", false},
		{"plain URL", "DATABASE_URL", "postgres://db.internal:5432/app", "", "", false},
		{"connection string with account key", "STORAGE_CONNECTION_STRING", fakeStorageConn, fakeAccountKey, fakeStorageConn, true},
		{"connection string with short account key", "STORAGE_CONNECTION_STRING", "AccountName=dev;AccountKey=devkey123", "devkey123", "AccountName=dev;AccountKey=devkey123", true},
		{"redis connection string with password", "REDIS_CONNECTION_STRING", "contoso.redis.cache.windows.net:6380,password=r3disPw,ssl=True", "r3disPw", "contoso.redis.cache.windows.net:6380,password=r3disPw,ssl=True", true},
		{"Log Analytics shared key", "LOG_ANALYTICS_SHARED_KEY", "bG9nYW5hbHl0aWNzLWtleQ==", "bG9nYW5hbHl0aWNzLWtleQ==", "bG9nYW5hbHl0aWNzLWtleQ==", true},
		{"appsettings with passwordless connection string", "appsettings.json", "{\n  \"ConnectionStrings\": {\n    \"Storage\": \"BlobEndpoint=https://contosodemo.blob.core.windows.net/\"\n  },\n  \"StorageConnectionString\": \"BlobEndpoint=https://contosodemo.blob.core.windows.net/\",\n  \"RedisConnectionString\": \"contoso.redis.cache.windows.net:6380,ssl=True\"\n}\n", "", "", false},
		{"appsettings with redis password", "appsettings.json", "{\n  \"RedisConnectionString\": \"contoso.redis.cache.windows.net:6380,password=r3disPw,ssl=True\",\n  \"Other\": 1\n}\n", "r3disPw", "r3disPw", true},
		{"yaml with short account key", "config.yaml", "storage:\n  connectionString: AccountName=dev;AccountKey=devkey123\n", "devkey123", "devkey123", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: prod}
data:
  other: "1"
  ` + strconv.Quote(tt.key) + `: ` + strconv.Quote(tt.value) + "\n"
			fs := checktest.Run(t, "K8S-072", doc, nil)
			want := []string{}
			if tt.want {
				want = []string{"data[" + tt.key + "]"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			if !tt.want {
				return
			}
			f := fs[0]
			for _, s := range []string{tt.value, tt.secret} {
				if strings.Contains(f.Message, s) || strings.Contains(f.Evidence, s) {
					t.Errorf("finding leaks the secret: message %q, evidence %q", f.Message, f.Evidence)
				}
			}
			if want := finding.Mask(tt.masked); f.Evidence != want {
				t.Errorf("evidence = %q, want %q", f.Evidence, want)
			}
			if !strings.Contains(f.Message, strconv.Quote(tt.key)) {
				t.Errorf("message does not name the key: %q", f.Message)
			}
			if got := f.Location.String(); got != "test.yaml:6:3" {
				t.Errorf("location = %s, want test.yaml:6:3", got)
			}
		})
	}
}

func TestConfigMapCredentialsBinaryData(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	doc := `apiVersion: v1
kind: ConfigMap
metadata: {name: bin}
binaryData:
  logo.png: ` + b64([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 3}) + `
  keystore.password: ` + b64([]byte("KeyStorePw-123")) + `
  key.pem: ` + b64([]byte(fakePEM)) + `
`
	fs := checktest.Run(t, "K8S-072", doc, nil)
	want := []string{"binaryData[keystore.password]", "binaryData[key.pem]"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, f := range fs {
		if strings.Contains(f.Message+f.Evidence, "KeyStorePw-123") || strings.Contains(f.Message+f.Evidence, "MIIEow") {
			t.Errorf("finding leaks the secret: %q / %q", f.Message, f.Evidence)
		}
	}
	if fs[0].Evidence != finding.Mask("KeyStorePw-123") {
		t.Errorf("evidence = %q", fs[0].Evidence)
	}
	if fs[0].Location.Line != 6 {
		t.Errorf("location = %s, want line 6", fs[0].Location)
	}
}

func TestConfigMapCredentialsConnectionStringMessage(t *testing.T) {
	doc := `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  STORAGE_CONNECTION_STRING: "AccountName=dev;AccountKey=devkey123"
  BLOB_CONNECTION_STRING: "BlobEndpoint=https://contosodemo.blob.core.windows.net/"
`
	fs := checktest.Run(t, "K8S-072", doc, nil)
	if got, want := checktest.Fields(fs), []string{"data[STORAGE_CONNECTION_STRING]"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if msg := fs[0].Message; !strings.Contains(msg, "AccountKey") || strings.Contains(msg, "devkey123") {
		t.Errorf("message = %q, want the credential named and not shown", msg)
	}
}
