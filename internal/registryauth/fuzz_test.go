package registryauth

import (
	"strings"
	"testing"
)

// FuzzTokenExpiry reads the exp claim of untrusted tokens; it must never
// panic, and never echo the token in its error.
func FuzzTokenExpiry(f *testing.F) {
	f.Add("eyJhbGciOiJub25lIn0.eyJleHAiOjE4OTM0NTYwMDB9.")
	f.Add("a.b.c")
	f.Add("..")
	f.Add("not-a-jwt")
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := tokenExpiry(tok)
		if err != nil && len(tok) > 8 && strings.Contains(err.Error(), tok) {
			t.Fatalf("error echoes the token: %v", err)
		}
	})
}

func FuzzErrorMessage(f *testing.F) {
	f.Add([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"bad token secret-value"}]}`), "secret-value")
	f.Add([]byte("<html>oops</html>"), "s3cr3t-token")
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		msg := errorMessage(body, secret)
		if len(secret) >= 8 && strings.Contains(msg, secret) {
			t.Fatalf("message %q leaks the secret", msg)
		}
	})
}
