package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// chunkedReader hides its length, so the request is sent chunked and the
// limit must cut it off while reading.
type chunkedReader struct{ io.Reader }

func TestOversizedRequestsAreRefused(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(w.srv.Handler())
	defer srv.Close()
	huge := strings.Repeat("x", DefaultMaxBody+1)
	for _, c := range []struct {
		name string
		body io.Reader
	}{
		{"declared length", strings.NewReader(`{"email":"` + huge + `","password":"p"}`)},
		{"chunked", chunkedReader{strings.NewReader(`{"email":"` + huge + `","password":"p"}`)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/api/v1/login", "application/json", c.body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body errorBody
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || body.Error.Code != "too_large" ||
				!strings.HasPrefix(body.Error.Message, "The request is larger than the ") {
				t.Errorf("got %d %+v, want 413 too_large with a clear message", resp.StatusCode, body.Error)
			}
		})
	}
	// A request within the limit is not affected.
	resp, err := http.Post(srv.URL+"/api/v1/login", "application/json", bytes.NewReader([]byte(`{"email":"a@b.c","password":"wrong-password-1"}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		t.Errorf("a small request was refused as too large")
	}
}

func TestHumanBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{1 << 20, "1 MB"}, {64 << 10, "64 KB"}, {1000, "1000 bytes"}} {
		if got := humanBytes(c.n); got != c.want {
			t.Errorf("humanBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
