package imagegate

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// LimitResponses wraps base so that no registry response body is read
// beyond max bytes: go-containerregistry accepts manifests up to 100 MiB,
// far more than a webhook should hold for one image.
func LimitResponses(base http.RoundTripper, max int64) http.RoundTripper {
	return &limitTransport{base: base, max: max}
}

type limitTransport struct {
	base http.RoundTripper
	max  int64
}

// ErrResponseTooLarge is the error of a response over the limit.
var ErrResponseTooLarge = errors.New("registry response too large")

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %s declares %d bytes, the limit is %d", ErrResponseTooLarge, req.URL.Redacted(), resp.ContentLength, t.max)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max, max: t.max}
	return resp, nil
}

type limitedBody struct {
	rc        io.ReadCloser
	left, max int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, b.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
