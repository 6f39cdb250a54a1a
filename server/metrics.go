package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// durationBuckets are the upper bounds, in seconds, of the request
// duration histogram: Prometheus's default buckets.
var durationBuckets = [...]float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts requests by route, method and status, and their
// durations by route, for /metrics in the Prometheus text format. The few
// lines of exposition are written here rather than importing the client
// library for two metric families. Routes are gin's patterns
// (/residents/:id), never raw paths, so no id or query reaches a label.
type metrics struct {
	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[string]*histogram
}

type requestKey struct {
	route, method string
	status        int
}

type histogram struct {
	counts [len(durationBuckets)]uint64
	count  uint64
	sum    float64
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]uint64{}, durations: map[string]*histogram{}}
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, status}]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{}
		m.durations[route] = h
	}
	sec := d.Seconds()
	for i, le := range durationBuckets {
		if sec <= le {
			h.counts[i]++
		}
	}
	h.count++
	h.sum += sec
}

// write writes the metrics in the Prometheus text exposition format 0.0.4,
// in a stable order.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP ateval_http_requests_total HTTP requests answered, by route, method and status.")
	fmt.Fprintln(w, "# TYPE ateval_http_requests_total counter")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		} else if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		fmt.Fprintf(w, "ateval_http_requests_total{route=%q,method=%q,status=\"%d\"} %d\n", k.route, k.method, k.status, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP ateval_http_request_duration_seconds Time to answer HTTP requests, by route.")
	fmt.Fprintln(w, "# TYPE ateval_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.durations[r]
		for i, le := range durationBuckets {
			fmt.Fprintf(w, "ateval_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", r, strconv.FormatFloat(le, 'g', -1, 64), h.counts[i])
		}
		fmt.Fprintf(w, "ateval_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.count)
		fmt.Fprintf(w, "ateval_http_request_duration_seconds_sum{route=%q} %g\n", r, h.sum)
		fmt.Fprintf(w, "ateval_http_request_duration_seconds_count{route=%q} %d\n", r, h.count)
	}
}

// observe records each request's metrics and logs it: method, route
// pattern, status, duration and the user's id. No path, query, body, email
// or address is logged, since they may be personal data.
func (s *Server) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		s.metrics.observe(route, c.Request.Method, c.Writer.Status(), d)
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(), "duration_ms", d.Milliseconds()}
		if u := currentUser(c); u != nil {
			attrs = append(attrs, "user_id", u.ID)
		}
		s.log.Info("request", attrs...)
	}
}

func (s *Server) metricsHandler(c *gin.Context) error {
	c.Header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	c.Status(http.StatusOK)
	s.metrics.write(c.Writer)
	return nil
}
