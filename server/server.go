// Package server is the web application: the JSON API under /api/v1 and
// the HTML pages, on gin. Handlers parse a request, call the services and
// render; they hold no rules of the domain, and borough scoping and role
// checks happen below them. Errors flow to one place, writeError, which
// maps the error vocabulary to statuses and answers in JSON or HTML.
//
// It may import gin, the domain packages and storage.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// Config is what the server needs to know from flags and environment.
type Config struct {
	Addr string
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after SIGINT or SIGTERM.
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
	// SecureCookies marks cookies Secure even on plain HTTP, for a server
	// behind a proxy that terminates TLS. (Over TLS they always are.)
	SecureCookies bool
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// for the client address (audit log, login limits). None by default.
	TrustedProxies []string
	// Sessions bound sessions: 30 minutes idle and 12 hours in all unless set.
	Sessions auth.SessionTimeouts
	// LoginLimits bound failed sign-ins: auth.DefaultLoginLimits unless set.
	LoginLimits auth.LoginLimits
	// MaxBody bounds a request body in bytes: DefaultMaxBody unless set.
	MaxBody int64
	// MetricsAddr, if set, is the address the metrics are served on, by
	// ServeMetrics, instead of /metrics beside the application: a port a
	// scraper reaches and the public does not.
	MetricsAddr string
}

func (c Config) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

// Server is the web application over one database.
type Server struct {
	cfg       Config
	db        *storage.DB
	auth      *auth.DB // the accounts and sessions, over db
	templates map[string]*template.Template
	router    *gin.Engine
	log       *slog.Logger
	metrics   *metrics
	openapi   []byte
	// reports serves the evidence reports from their cache of builds.
	reports *reportHandlers
	// base is the context of the server's own background work (report
	// builds); stop cancels it when Serve shuts down.
	base context.Context
	stop context.CancelFunc
}

// New builds the server. Templates are parsed here, once, so a broken
// template stops start-up rather than a request.
func New(cfg Config, db *storage.DB) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.Sessions.Idle == 0 {
		cfg.Sessions.Idle = 30 * time.Minute
	}
	if cfg.Sessions.Absolute == 0 {
		cfg.Sessions.Absolute = 12 * time.Hour
	}
	if cfg.LoginLimits.Window == 0 {
		cfg.LoginLimits = auth.DefaultLoginLimits()
	}
	s := &Server{cfg: cfg, db: db, auth: auth.New(db), log: cfg.Logger, metrics: newMetrics()}
	s.base, s.stop = context.WithCancel(context.Background())
	var err error
	if s.templates, err = parseTemplates(); err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIDocument(); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// A known address asked with a method it does not take answers 405
	// with Allow, not 404 (RFC 9110, 15.5.6).
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.Use(s.observe(), s.recoverer(), s.securityHeaders(), s.limitBody(cfg.maxBody()))
	s.routes(r)
	s.router = r
	return s, nil
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.router }

// routes registers every route. The access each allows is in the README's access matrix,
// and TestAccessMatrix checks it for every role.
func (s *Server) routes(r *gin.Engine) {
	r.GET("/healthz", s.handle(s.healthz))
	if s.cfg.MetricsAddr == "" {
		r.GET("/metrics", gin.WrapH(s.MetricsHandler()))
	}
	r.GET("/static/*path", s.static())

	pages := r.Group("/", s.pageSession())
	pages.GET("/", s.handle(s.home))
	pages.GET("/login", s.handle(s.loginPage))
	pages.POST("/login", s.handle(s.login))
	pages.POST("/logout", s.handle(s.logout))
	local := s.requireRole(ateval.RolePractitioner, ateval.RoleBoroughLead)
	pages.GET("/residents", local, s.handle(s.residentsPage))
	pages.GET("/residents/:id", local, s.handle(s.residentPage))
	pages.GET("/admin/audit", s.requireRole(ateval.RoleAdmin), s.handle(s.auditPage))

	api := r.Group("/api/v1")
	api.GET("/openapi.json", s.handle(s.openAPI))
	api.POST("/login", s.handle(s.apiLogin))
	authed := api.Group("/", s.bearer())
	authed.POST("/logout", s.handle(s.apiLogout))
	authed.GET("/me", s.handle(s.apiMe))
	authed.GET("/residents", local, s.handle(s.apiResidents))
	authed.GET("/residents/:id", local, s.handle(s.apiResident))
	authed.GET("/audit", s.requireRole(ateval.RoleAdmin), s.handle(s.apiAudit))
	s.practitionerRoutes(pages, authed)
	s.evidenceRoutes(pages, authed)
	s.adminRoutes(pages)
	s.federationRoutes(pages, authed)

	r.NoRoute(func(c *gin.Context) { s.writeError(c, errNotFoundPage) })
	r.NoMethod(func(c *gin.Context) { s.writeError(c, errMethodNotAllowed) })
}

// Serve listens on l until ctx is done, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish within ShutdownTimeout, and
// returns.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      10 * time.Minute, // exports and reports stream for a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	s.stop() // background builds stop with the server
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeMetrics serves the metrics alone on l (see Config.MetricsAddr)
// until ctx is done.
func (s *Server) ServeMetrics(ctx context.Context, l net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("metrics shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handle adapts a handler that returns an error to gin: the error, if any,
// is written by writeError.
func (s *Server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.writeError(c, err)
		}
	}
}

func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				s.writeError(c, fmt.Errorf("panic: %v", v))
			}
		}()
		c.Next()
	}
}

// securityHeaders sets the headers every answer carries: a strict content
// security policy (no inline script, no third-party anything), no framing,
// no MIME sniffing, no referrer leaking resident ids in URLs.
func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if s.cfg.SecureCookies || c.Request.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		c.Next()
	}
}
