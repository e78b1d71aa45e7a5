package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestSecretInlineData(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
		evidence   string
	}{
		{"data", "type: Opaque\ndata:\n  username: YXBw\n  password: aHVudGVyMmh1bnRlcjI=\n", []string{"data"}, "password, username"},
		{"stringData", "stringData:\n  token: plain-token-value-123\n", []string{"stringData"}, "token"},
		{"both", "data:\n  a: YQ==\nstringData:\n  b: bbbbbbbb\n", []string{"data", "stringData"}, "a"},
		{"tls", "type: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: a2V5\n", []string{"data"}, "tls.crt, tls.key"},
		{"no data", "type: Opaque\n", []string{}, ""},
		{"empty values only", "data:\n  password: \"\"\nstringData:\n  token: \"\"\n", []string{}, ""},
		{"service account token without data", "type: kubernetes.io/service-account-token\n", []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  annotations: {kubernetes.io/service-account.name: app}\n" + tt.body
			fs := checktest.Run(t, "K8S-074", doc, nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(fs) == 0 {
				return
			}
			if fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
			if fs[0].Location.Line != 7 && fs[0].Location.Line != 6 {
				t.Errorf("location = %s, want the data line", fs[0].Location)
			}
			for _, f := range fs {
				for _, v := range []string{"aHVudGVyMmh1bnRlcjI=", "hunter2", "plain-token-value-123", "bbbbbbbb", "YXBw"} {
					if strings.Contains(f.Message, v) || strings.Contains(f.Evidence, v) {
						t.Errorf("finding leaks a value: %q / %q", f.Message, f.Evidence)
					}
				}
			}
		})
	}
}
