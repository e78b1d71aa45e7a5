package registryauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ExchangeError reports a refused /oauth2/exchange call. Message is the
// registry's explanation with anything token-shaped removed.
type ExchangeError struct {
	Host       string
	StatusCode int
	Message    string
}

func (e *ExchangeError) Error() string {
	msg := fmt.Sprintf("ACR token exchange for %s failed: %d %s", e.Host, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// exchange trades an Entra ID access token for an ACR refresh token.
// The contract is the one in ACR's AAD-OAuth.md and in the generated
// azcontainerregistry AuthenticationClient (api-version 2021-07-01).
func exchange(ctx context.Context, client *http.Client, host, tenant, aadToken string) (string, error) {
	form := url.Values{
		"grant_type":   {"access_token"},
		"service":      {host},
		"access_token": {aadToken},
	}
	if tenant != "" {
		form.Set("tenant", tenant)
	}
	endpoint := (&url.URL{Scheme: "https", Host: host, Path: "/oauth2/exchange"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("ACR token exchange for %s: %w", host, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error carries method, URL and cause; the token is in the body,
		// so nothing secret can appear here.
		return "", fmt.Errorf("ACR token exchange for %s failed: %w", host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("ACR token exchange for %s failed: read response: %w", host, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &ExchangeError{Host: host, StatusCode: resp.StatusCode, Message: errorMessage(body, aadToken)}
	}
	var out struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		// Deliberately not wrapping: json errors can quote the input.
		return "", fmt.Errorf("ACR token exchange for %s failed: response is not JSON", host)
	}
	if out.RefreshToken == "" {
		return "", fmt.Errorf("ACR token exchange for %s failed: response has no refresh_token", host)
	}
	return out.RefreshToken, nil
}

var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)

// errorMessage extracts a short human explanation from an ACR error body.
// Registries have been seen echoing request fields, so anything that looks
// like a token is cut out before the text can reach a log.
func errorMessage(body []byte, secrets ...string) string {
	var parsed struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	var msg string
	if json.Unmarshal(body, &parsed) == nil {
		var parts []string
		for _, e := range parsed.Errors {
			parts = append(parts, strings.TrimSpace(e.Code+" "+e.Message))
		}
		if parsed.Error != "" {
			parts = append(parts, strings.TrimSpace(parsed.Error+" "+parsed.Description))
		}
		msg = strings.Join(parts, "; ")
	}
	if msg == "" {
		msg = string(body)
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	msg = jwtLike.ReplaceAllString(msg, "[redacted]")
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// tokenExpiry reads the exp claim of a JWT without verifying it: the
// registry, not us, is the party that checks the signature, and we only need
// to know when to ask again.
func tokenExpiry(token string) (time.Time, error) {
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return time.Time{}, errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, errors.New("JWT payload is not base64url")
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return time.Time{}, errors.New("JWT payload is not JSON")
	}
	if claims.Exp == nil {
		return time.Time{}, errors.New("JWT has no exp claim")
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 {
		return time.Time{}, errors.New("JWT exp claim is not a positive number")
	}
	return time.Unix(int64(f), 0), nil
}
