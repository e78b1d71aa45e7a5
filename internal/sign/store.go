package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/notaryproject/notation-go/verifier/truststore"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// memStore implements truststore.X509TrustStore from certificates loaded
// once, keyed by store type and name.
type memStore map[truststore.Type]map[string][]*x509.Certificate

func (s memStore) GetCertificates(_ context.Context, typ truststore.Type, name string) ([]*x509.Certificate, error) {
	certs := s[typ][name]
	if len(certs) == 0 {
		return nil, truststore.TrustStoreError{Msg: fmt.Sprintf("the trust store %q of type %q does not exist or is empty", name, typ)}
	}
	return slices.Clone(certs), nil
}

// loadStore reads <storeDir>/truststore/x509 or <storeDir>/x509. Hidden
// entries and sub-directories are skipped rather than rejected because a
// Kubernetes volume mount adds "..data" and timestamped directories.
func loadStore(storeDir string) (memStore, string, error) {
	store := memStore{}
	if storeDir == "" {
		return store, "", nil
	}
	root := storeDir
	if st, err := os.Stat(filepath.Join(storeDir, "truststore", "x509")); err == nil && st.IsDir() {
		root = filepath.Join(storeDir, "truststore")
	} else if st, err := os.Stat(filepath.Join(storeDir, "x509")); err != nil || !st.IsDir() {
		return nil, "", fmt.Errorf("trust store %s: no x509 directory in it or in its truststore sub-directory", storeDir)
	}
	for _, typ := range truststore.Types {
		typDir := filepath.Join(root, "x509", string(typ))
		names, err := os.ReadDir(typDir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("trust store %s: %w", typDir, err)
		}
		for _, n := range names {
			if strings.HasPrefix(n.Name(), ".") {
				continue
			}
			nameDir := filepath.Join(typDir, n.Name())
			if st, err := os.Stat(nameDir); err != nil || !st.IsDir() {
				continue
			}
			certs, err := loadNamedStore(typ, nameDir)
			if err != nil {
				return nil, "", err
			}
			if len(certs) == 0 {
				continue
			}
			if store[typ] == nil {
				store[typ] = map[string][]*x509.Certificate{}
			}
			store[typ][n.Name()] = certs
		}
	}
	return store, root, nil
}

func loadNamedStore(typ truststore.Type, dir string) ([]*x509.Certificate, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("trust store %s: %w", dir, err)
	}
	var out []*x509.Certificate
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !slices.Contains(certExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("trust store certificate %s: %w", p, err)
		}
		if !st.Mode().IsRegular() {
			continue
		}
		data, err := regularfile.Read(p, maxCertFileBytes)
		if err != nil {
			return nil, fmt.Errorf("trust store certificate %s: %w", p, err)
		}
		certs, err := parseCerts(data)
		if err != nil {
			return nil, fmt.Errorf("trust store certificate %s: %w", p, err)
		}
		// Same rules notation applies when it reads the store itself.
		if err := truststore.ValidateCertificates(certs); err != nil {
			return nil, fmt.Errorf("trust store certificate %s: %w", p, err)
		}
		if typ == truststore.TypeTSA {
			for _, c := range certs {
				if !bytes.Equal(c.RawSubject, c.RawIssuer) || c.CheckSignatureFrom(c) != nil {
					return nil, fmt.Errorf("trust store certificate %s: TSA trust stores need root CA certificates, %q is not one", p, c.Subject)
				}
			}
		}
		out = append(out, certs...)
	}
	return out, nil
}

// parseCerts accepts PEM (one or more CERTIFICATE blocks) or DER.
func parseCerts(data []byte) ([]*x509.Certificate, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		certs, err := x509.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("neither PEM nor DER certificates: %w", err)
		}
		if len(certs) == 0 {
			return nil, errors.New("no certificates found")
		}
		return certs, nil
	}
	var certs []*x509.Certificate
	for ; block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q (only CERTIFICATE is allowed)", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	return certs, nil
}
