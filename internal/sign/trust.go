// Package sign verifies Notary Project (Notation) signatures of container
// images before they are admitted or reported as trusted.
//
// Trust is configured in the standard Notation formats (trustpolicy.json and
// a truststore/x509 directory) and validated with notation-go itself, so a
// policy that works with the notation CLI works here and vice versa.
// Signatures are read through go-containerregistry (see Repository), so
// verification uses the same registry client and keychain as image pulls.
//
// A missing or bad signature is a verdict (Result.Verified == false with a
// Reason), not an error: errors mean the image could not be assessed.
package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/notaryproject/notation-go"
	"github.com/notaryproject/notation-go/verifier"
	"github.com/notaryproject/notation-go/verifier/trustpolicy"
	"github.com/notaryproject/notation-go/verifier/truststore"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// Policy file names inside a Notation configuration directory. Newer
// notation releases write trustpolicy.oci.json and prefer it over the
// older name, so we do the same.
const (
	PolicyFile    = "trustpolicy.json"
	OCIPolicyFile = "trustpolicy.oci.json"
)

// Size caps keep a hostile or mistaken mount from exhausting memory; real
// policies and CA bundles are a few KiB.
const (
	maxPolicyBytes   = 1 << 20
	maxCertFileBytes = 1 << 20
	maxIdentities    = 256
)

var certExtensions = []string{".pem", ".crt", ".cer"}

// Trust is a validated trust policy plus the certificates of its trust
// store, held in memory so that verification never touches the file system
// and the content hash cannot drift from what is actually used.
type Trust struct {
	doc    *trustpolicy.Document
	store  memStore
	hash   string
	source string
	// scopes maps each registry scope to its statement; wildcard is the
	// "*" statement. Precomputed because notation's own lookup compiles two
	// regular expressions per call, too slow for the cached path.
	scopes   map[string]*trustpolicy.TrustPolicy
	wildcard *trustpolicy.TrustPolicy
}

// Hash identifies the trust configuration (policy content and store
// certificates). It is stable across formatting changes of the policy file
// and is part of every cache key, so a changed policy never reuses verdicts
// made under the old one.
func (t *Trust) Hash() string { return t.hash }

// Source names where the policy came from (a file path or "inline trust
// policy"), for messages.
func (t *Trust) Source() string { return t.source }

// LoadTrustDir reads a Notation configuration directory: trustpolicy.oci.json
// or trustpolicy.json, and truststore/x509/{ca,signingAuthority,tsa}/<name>/.
//
// Unlike the notation CLI, symlinks are followed: Kubernetes mounts
// ConfigMaps and Secrets as symlinks, and that is how the trust directory
// reaches a pod.
func LoadTrustDir(dir string) (*Trust, error) {
	var path string
	for _, n := range []string{OCIPolicyFile, PolicyFile} {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("trust policy %s: %w", p, err)
		}
	}
	if path == "" {
		return nil, fmt.Errorf("trust directory %s: neither %s nor %s exists", dir, OCIPolicyFile, PolicyFile)
	}
	data, err := regularfile.Read(path, maxPolicyBytes)
	if err != nil {
		return nil, fmt.Errorf("trust policy %s: %w", path, err)
	}
	return newTrust(path, data, filepath.Join(dir, "truststore"))
}

// NewTrust builds a Trust from a trust policy document given inline (for
// example embedded in Bulwark's own policy file) and a trust store
// directory. storeDir may be the Notation configuration directory (holding
// truststore/x509/...) or the truststore directory itself (holding x509/...);
// it may be empty when every statement has level "skip".
func NewTrust(policyJSON []byte, storeDir string) (*Trust, error) {
	return newTrust("inline trust policy", policyJSON, storeDir)
}

func newTrust(source string, policyJSON []byte, storeDir string) (t *Trust, err error) {
	// notation-go's validation was written for its own CLI's inputs; a
	// panic on odd input must not take the scanner down with it.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%s: invalid trust policy: %v", source, r)
		}
	}()
	doc, err := parsePolicy(policyJSON)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	for _, st := range doc.TrustPolicies {
		// notation compares every identity with every other one; beyond a
		// few hundred that takes seconds to minutes.
		if len(st.TrustedIdentities) > maxIdentities {
			return nil, fmt.Errorf("%s: trust policy statement %q has %d trusted identities, at most %d are supported", source, st.Name, len(st.TrustedIdentities), maxIdentities)
		}
	}
	if err := doc.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	store, root, err := loadStore(storeDir)
	if err != nil {
		return nil, err
	}
	if err := checkStoresExist(doc, store, root); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	h, err := trustHash(doc, store)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	t = &Trust{doc: doc, store: store, hash: h, source: source, scopes: map[string]*trustpolicy.TrustPolicy{}}
	for i := range doc.TrustPolicies {
		st := &doc.TrustPolicies[i]
		for _, sc := range st.RegistryScopes {
			if sc == "*" {
				t.wildcard = st
			} else {
				t.scopes[sc] = st
			}
		}
	}
	return t, nil
}

// statement selects the trust policy statement for repo the way notation
// does (an exact scope wins over "*"), or nil. Validate guarantees each
// scope appears in one statement only.
func (t *Trust) statement(repo name.Repository) *trustpolicy.TrustPolicy {
	if st, ok := t.scopes[t.scopeFor(repo)]; ok {
		return st
	}
	return t.wildcard
}

// NotationVerifier returns notation-go's verifier for this trust policy and
// store, for use with notation.Verify and Repository. Revocation is checked
// the notation way: OCSP/CRL only for URLs present in the certificates, so
// certificates without them verify offline.
func (t *Trust) NotationVerifier() (notation.Verifier, error) {
	nv, err := verifier.NewWithOptions(t.doc, t.store, nil, verifier.VerifierOptions{})
	if err != nil {
		return nil, fmt.Errorf("sign: %s: %w", t.source, err)
	}
	return nv, nil
}

// scopeFor returns the repository name to match against registryScopes.
// go-containerregistry calls Docker Hub "index.docker.io" while people and
// the notation CLI write "docker.io", so accept that spelling too.
func (t *Trust) scopeFor(repo name.Repository) string {
	n := repo.Name()
	if _, ok := t.scopes[n]; !ok && repo.RegistryStr() == name.DefaultRegistry {
		if alt := "docker.io/" + repo.RepositoryStr(); t.scopes[alt] != nil {
			return alt
		}
	}
	return n
}

// parsePolicy is stricter than notation's loader: unknown fields are
// rejected, because a misspelt "override" or "verifyTimestamp" would
// otherwise silently weaken verification.
func parsePolicy(data []byte) (*trustpolicy.Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("trust policy is empty")
	}
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("trust policy is larger than %d bytes", maxPolicyBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc trustpolicy.Document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("malformed trust policy JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("malformed trust policy JSON: unexpected data after the document")
	}
	return &doc, nil
}

// checkStoresExist reports a missing named store at load time; notation
// would only notice during verification and fail every image.
func checkStoresExist(doc *trustpolicy.Document, store memStore, root string) error {
	for _, st := range doc.TrustPolicies {
		if st.SignatureVerification.VerificationLevel == trustpolicy.LevelSkip.Name {
			continue
		}
		for _, ref := range st.TrustStores {
			typ, name, _ := strings.Cut(ref, ":")
			if len(store[truststore.Type(typ)][name]) > 0 {
				continue
			}
			where := "no trust store directory was given"
			if root != "" {
				where = filepath.Join(root, "x509", typ, name) + " holds no certificates (*.pem, *.crt, *.cer)"
			}
			return fmt.Errorf("trust policy statement %q uses trust store %q but %s", st.Name, ref, where)
		}
	}
	return nil
}

// trustHash covers the re-encoded document (so whitespace and key order in
// the file do not matter) and the SHA-256 of every store certificate.
func trustHash(doc *trustpolicy.Document, store memStore) (string, error) {
	h := sha256.New()
	canon, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "bulwark-sign-trust/v1\n%d\n", len(canon))
	h.Write(canon)
	var lines []string
	for typ, named := range store {
		for name, certs := range named {
			for _, c := range certs {
				sum := sha256.Sum256(c.Raw)
				lines = append(lines, string(typ)+"/"+name+"/"+hex.EncodeToString(sum[:]))
			}
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(h, l)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
