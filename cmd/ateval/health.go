package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ateval/ateval"
)

// runHealth asks a running server's /healthz, which answers 200 only
// when the server's database answers, and fails otherwise: the Docker
// image's HEALTHCHECK, which has no curl. It opens no database of its
// own, so it never creates a file or reports a stopped server healthy.
func runHealth(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "health", "health [--url URL] [--timeout 3s]")
	url := fs.String("url", envOr(env, "ATEVAL_HEALTH_URL", "http://127.0.0.1:8080/healthz"), "the server's health address (default $ATEVAL_HEALTH_URL or http://127.0.0.1:8080/healthz)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return ateval.Errorf(ateval.EINVALID, "--url: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the server did not answer: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		Status   string `json:"status"`
		Database string `json:"database"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	json.Unmarshal(b, &body)
	if resp.StatusCode != http.StatusOK || body.Status != "ok" {
		return fmt.Errorf("unhealthy: %s, status %q, database %q", resp.Status, body.Status, body.Database)
	}
	fmt.Fprintf(env.Stdout, "healthy: database %s\n", body.Database)
	return nil
}
