package sign_test

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
)

func TestLoadTrustDirErrors(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t)
	valid := string(ca.PolicyJSON("", "strict"))
	cases := []struct {
		name   string
		policy string // "" = no policy file
		want   []string
	}{
		{"missing policy", "", []string{"trustpolicy.oci.json", "trustpolicy.json"}},
		{"not JSON", "{", []string{"trustpolicy.json", "malformed trust policy JSON"}},
		{"trailing data", valid + "{}", []string{"unexpected data after the document"}},
		{"unknown field", strings.Replace(valid, `"level"`, `"levle"`, 1), []string{"unknown field"}},
		{"identity without ST", strings.Replace(valid, ca.Subject(), "C=US, O=Bulwark Test", 1),
			[]string{"trustpolicy.json", `"ST"`, "x509.subject: C=US, O=Bulwark Test"}},
		{"bad level", strings.Replace(valid, `"strict"`, `"paranoid"`, 1), []string{`invalid signature verification level "paranoid"`}},
		{"tag in scope", strings.Replace(valid, `"*"`, `"registry.example.com/app:v1"`, 1), []string{"registry scope"}},
		{"missing store", strings.Replace(valid, "ca:"+ca.StoreName, "ca:absent", 1),
			[]string{`trust store "ca:absent"`, filepath.Join("truststore", "x509", "ca", "absent")}},
		{"empty", " ", []string{"trust policy is empty"}},
		{"too many identities", strings.Replace(valid, `"`+ca.Identity()+`"`, manyIdentities(300), 1), []string{"300 trusted identities"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ca.WriteTrustStore(t, dir)
			if c.policy != "" {
				if err := os.WriteFile(filepath.Join(dir, sign.PolicyFile), []byte(c.policy), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := sign.LoadTrustDir(dir)
			if err == nil {
				t.Fatal("want error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func manyIdentities(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"x509.subject: C=US, ST=WA, O=Org %d"`, i)
	}
	return strings.Join(ids, ",")
}

func TestTrustStoreRules(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t)
	write := func(t *testing.T, rel string, data []byte) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, sign.PolicyFile), ca.PolicyJSON("", ""), 0o600); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "truststore", "x509", "ca", ca.StoreName, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("leaf is not a CA", func(t *testing.T) {
		_, err := sign.LoadTrustDir(write(t, "leaf.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Leaf.Raw})))
		if err == nil || !strings.Contains(err.Error(), "leaf.pem") || !strings.Contains(err.Error(), "not a CA certificate") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		_, err := sign.LoadTrustDir(write(t, "root.crt", []byte("not a certificate")))
		if err == nil || !strings.Contains(err.Error(), "root.crt") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("DER and other files ignored", func(t *testing.T) {
		dir := write(t, "root.cer", ca.Root.Raw)
		if err := os.WriteFile(filepath.Join(filepath.Dir(filepath.Join(dir, "truststore", "x509", "ca", ca.StoreName, "x")), "README.md"), []byte("hi"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := sign.LoadTrustDir(dir); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("kubernetes volume layout", func(t *testing.T) {
		// ConfigMap mounts look like: name -> ..data/name, ..data -> ..<ts>/
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, sign.PolicyFile), ca.PolicyJSON("", ""), 0o600); err != nil {
			t.Fatal(err)
		}
		store := filepath.Join(dir, "truststore", "x509", "ca", ca.StoreName)
		ts := filepath.Join(store, "..2026_01_01_00_00_00.123")
		if err := os.MkdirAll(ts, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ts, "root.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Root.Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Base(ts), filepath.Join(store, "..data")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..data", "root.pem"), filepath.Join(store, "root.pem")); err != nil {
			t.Fatal(err)
		}
		if _, err := sign.LoadTrustDir(dir); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTrustSourcesAndHash(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t)
	dir := ca.WriteTrustDir(t, t.TempDir(), "")
	a, err := sign.LoadTrustDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(a.Source(), sign.PolicyFile) || !strings.HasPrefix(a.Hash(), "sha256:") {
		t.Fatalf("source %q hash %q", a.Source(), a.Hash())
	}

	// Same content, different formatting, store given as the truststore
	// directory itself: same hash.
	compact := strings.Join(strings.Fields(string(ca.PolicyJSON("", "strict"))), " ")
	b, err := sign.NewTrust([]byte(compact), filepath.Join(dir, "truststore"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash() != b.Hash() {
		t.Fatal("hash depends on formatting")
	}

	// trustpolicy.oci.json wins over trustpolicy.json.
	if err := os.WriteFile(filepath.Join(dir, sign.OCIPolicyFile), ca.PolicyJSON("", "audit"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := sign.LoadTrustDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(c.Source(), sign.OCIPolicyFile) || c.Hash() == a.Hash() {
		t.Fatalf("oci policy not preferred: %s %s", c.Source(), c.Hash())
	}

	// Another root in the store changes the hash.
	d := signtest.NewCA(t)
	d.StoreName = ca.StoreName
	d.WriteTrustStore(t, t.TempDir())
	other := t.TempDir()
	ca.WriteTrustStore(t, other)
	if err := os.WriteFile(filepath.Join(other, "truststore", "x509", "ca", ca.StoreName, "second.pem"),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.Root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := sign.NewTrust(ca.PolicyJSON("", "strict"), other)
	if err != nil {
		t.Fatal(err)
	}
	if e.Hash() == a.Hash() {
		t.Fatal("hash ignores store certificates")
	}
}

func FuzzNewTrust(f *testing.F) {
	ca := signtest.NewCA(f)
	dir := f.TempDir()
	ca.WriteTrustStore(f, dir)
	f.Add(ca.PolicyJSON("", "strict"))
	f.Add(ca.PolicyJSON("registry.example.com/team/app", "permissive"))
	f.Add([]byte(`{"version":"1.0","trustPolicies":[{"name":"s","registryScopes":["*"],"signatureVerification":{"level":"skip"}}]}`))
	f.Add([]byte(`{"version":"1.0","trustPolicies":[{"name":"o","registryScopes":["*"],"signatureVerification":{"level":"strict","override":{"revocation":"skip"},"verifyTimestamp":"afterCertExpiry"},"trustStores":["ca:bulwark-test"],"trustedIdentities":["*"]}]}`))
	f.Add([]byte(`{"version":"1.0","trustPolicies":[{"name":"x","registryScopes":["a.io/b"],"signatureVerification":{"level":"audit"},"trustStores":["ca:bulwark-test"],"trustedIdentities":["x509.subject: C=US, ST=WA, O=A\\, B=C+CN=x"]}]}`))
	f.Add([]byte(`{"version":"2.0"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, policy []byte) {
		tr, err := sign.NewTrust(policy, dir)
		if err != nil {
			return
		}
		again, err := sign.NewTrust(policy, dir)
		if err != nil || again.Hash() != tr.Hash() || !strings.HasPrefix(tr.Hash(), "sha256:") {
			t.Fatalf("unstable: %v %q %q", err, tr.Hash(), again.Hash())
		}
		if _, err := sign.NewVerifier(tr, sign.Options{Keychain: anonymous}); err != nil {
			t.Fatalf("accepted policy rejected by verifier: %v", err)
		}
	})
}
