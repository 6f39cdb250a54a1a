package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval/server"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestHealth: ateval health, the container's health check, exits 0 only
// when the server answers /healthz 200 with its database; a server
// answering 503 (its database unreachable) and no server at all both
// exit 1.
func TestHealth(t *testing.T) {
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler)}, db)
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(srv.Handler())
	defer up.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable","database":"unreachable"}`))
	}))
	defer down.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "http://" + l.Addr().String() + "/healthz"
	l.Close()

	for _, tc := range []struct {
		url  string
		code int
		want string
	}{
		{up.URL + "/healthz", 0, "healthy: database sqlite"},
		{down.URL + "/healthz", 1, "unhealthy: 503"},
		{nobody, 1, "did not answer"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		env, out, errs := testEnv()
		code := run(ctx, env, []string{"health", "--url", tc.url, "--timeout", "5s"})
		cancel()
		if code != tc.code || !strings.Contains(out.String()+errs.String(), tc.want) {
			t.Errorf("health %s: exit %d, %q %q; want %d and %q", tc.url, code, out, errs, tc.code, tc.want)
		}
	}
}
