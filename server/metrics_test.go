package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ateval/ateval/storage/auth"
)

// TestMetrics checks the exposition with the Prometheus client library's
// own test helpers: requests are counted by route pattern, never by path;
// a method no one registered counts as "other", however many are
// invented; the Go runtime's and the process's metrics are there; the
// client library's linter (promlint, as promtool check metrics) finds
// nothing; and what /metrics serves parses as the text format.
func TestMetrics(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	w.do(request{path: fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), bearer: tok})
	w.do(request{path: "/no-such-page"})
	for i := range 50 {
		w.do(request{method: fmt.Sprintf("BREW%d", i), path: "/api/v1/framework"})
	}
	want := `# HELP ateval_http_requests_total HTTP requests answered, by route, method and status.
# TYPE ateval_http_requests_total counter
ateval_http_requests_total{method="GET",route="/api/v1/residents/:id",status="200"} 1
ateval_http_requests_total{method="GET",route="unmatched",status="404"} 1
ateval_http_requests_total{method="other",route="unmatched",status="405"} 50
`
	reg := w.srv.metrics.registry
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "ateval_http_requests_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(w.srv.metrics.durations); n != 2 {
		t.Errorf("%d duration series, want 2 (one per route pattern)", n)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_open_fds"} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n != 1 {
			t.Errorf("%s: %d series (%v), want 1", name, n, err)
		}
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	rec := w.do(request{path: "/metrics"})
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID)) || strings.Contains(body, "BREW") {
		t.Errorf("/metrics: %d, or it names a resident's id or an invented method:\n%.2000s", rec.Code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse as the text exposition format: %v", err)
	}
	if families["ateval_http_request_duration_seconds"] == nil || families["process_cpu_seconds_total"] == nil {
		t.Errorf("/metrics lacks families: has %d", len(families))
	}
}

// TestMetricsOnTheirOwnAddress: with MetricsAddr set the application no
// longer answers /metrics, and ServeMetrics serves them on their own
// listener until its context ends.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	w := newWorld(t)
	srv := w.newServer(Config{MetricsAddr: "127.0.0.1:0"})
	w.srv = srv
	if rec := w.do(request{path: "/metrics"}); rec.Code != http.StatusNotFound {
		t.Errorf("/metrics beside the application: %d, want 404", rec.Code)
	}
	w.do(request{path: "/api/v1/framework"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeMetrics(ctx, l) }()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + l.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `ateval_http_requests_total{method="GET",route="/api/v1/framework",status="401"} 1`) {
		t.Errorf("metrics address: %d\n%.1500s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeMetrics: %v", err)
	}
}
