package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, from the Prometheus client
// library, in a registry of the server's own (no global state): requests
// by route, method and status, their durations by route, and the Go
// runtime's and the process's own metrics.
//
// Every label is bounded, since /metrics answers anyone: routes are gin's
// patterns (/residents/:id), never raw paths, so no id or query reaches a
// label, and a request matching no route is "unmatched"; a method outside
// HTTP's registered few is "other", so no client can grow the series by
// inventing methods; statuses are the few the server writes.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ateval_http_requests_total",
			Help: "HTTP requests answered, by route, method and status.",
		}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ateval_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.durations,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// knownMethods are the methods a label may name; any other is "other".
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodConnect: true, http.MethodOptions: true, http.MethodTrace: true,
}

// methodLabel is a request's method as a label: one of HTTP's, or "other".
func methodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "other"
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route).Observe(d.Seconds())
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
		attrs := []any{"method", methodLabel(c.Request.Method), "route", route, "status", c.Writer.Status(), "duration_ms", d.Milliseconds()}
		if u := currentUser(c); u != nil {
			attrs = append(attrs, "user_id", u.ID)
		}
		s.log.Info("request", attrs...)
	}
}

// MetricsHandler answers the metrics in the Prometheus exposition format
// (the client library's promhttp, which also offers the protobuf and
// OpenMetrics formats to a scraper that asks). The server routes it at
// /metrics unless Config.MetricsAddr asks for it on an address of its own.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
}
