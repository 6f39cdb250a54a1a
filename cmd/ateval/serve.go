package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/ateval/ateval/server"
	"github.com/ateval/ateval/storage"
)

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "serve", "serve --db PATH|URL [--addr HOST:PORT]")
	dsn := dbFlag(fs, env)
	addr := fs.String("addr", envOr(env, "ATEVAL_ADDR", "127.0.0.1:8080"), "address to listen on (default $ATEVAL_ADDR or 127.0.0.1:8080)")
	shutdown := fs.Duration("shutdown-timeout", 10*time.Second, "how long in-flight requests may take to finish on SIGINT or SIGTERM")
	secure := fs.Bool("secure-cookies", envBool(env, "ATEVAL_SECURE_COOKIES"), "mark cookies Secure and send HSTS, for a server behind a proxy that terminates TLS (default $ATEVAL_SECURE_COOKIES)")
	defaultLock := storage.DefaultLockTimeout
	if v := env.Getenv("ATEVAL_LOCK_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintf(env.Stderr, "ateval serve: ATEVAL_LOCK_TIMEOUT=%q is not a duration, such as 10s\n", v)
			return errUsage
		}
		defaultLock = d
	}
	lockTimeout := fs.Duration("lock-timeout", defaultLock, "how long a request waits for the database's write lock (held by an import, say) before it answers 503 with Retry-After (default $ATEVAL_LOCK_TIMEOUT or 10s)")
	metricsAddr := fs.String("metrics-addr", env.Getenv("ATEVAL_METRICS_ADDR"), "serve /metrics on this address of its own (HOST:PORT) instead of beside the application (default $ATEVAL_METRICS_ADDR)")
	proxies := fs.String("trusted-proxies", env.Getenv("ATEVAL_TRUSTED_PROXIES"), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For gives the client address for the audit log and sign-in limits (default $ATEVAL_TRUSTED_PROXIES)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *lockTimeout <= 0 {
		fmt.Fprintln(env.Stderr, "ateval serve: --lock-timeout must be positive, such as 10s")
		return errUsage
	}
	db, err := openDB(ctx, *dsn, storage.Options{LockTimeout: *lockTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := server.Config{Addr: *addr, ShutdownTimeout: *shutdown, SecureCookies: *secure, TrustedProxies: splitList(*proxies), MetricsAddr: *metricsAddr}
	return serve(ctx, env, db, cfg, nil)
}

func envBool(env *cliEnv, key string) bool {
	switch strings.ToLower(env.Getenv(key)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// serve runs the web application until ctx is done. ready, if set, is
// called with the URL once the server listens.
func serve(ctx context.Context, env *cliEnv, db *storage.DB, cfg server.Config, ready func(url string)) error {
	cfg.Logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	srv, err := server.New(cfg, db)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	url := "http://" + l.Addr().String() + "/"
	if cfg.MetricsAddr == "" {
		cfg.Logger.Info("serving", "url", url, "database", string(db.Dialect()))
		if ready != nil {
			ready(url)
		}
		return srv.Serve(ctx, l)
	}
	ml, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		l.Close()
		return err
	}
	cfg.Logger.Info("serving", "url", url, "metrics", "http://"+ml.Addr().String()+"/metrics", "database", string(db.Dialect()))
	if ready != nil {
		ready(url)
	}
	// Either server failing stops both.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		err := srv.ServeMetrics(ctx, ml)
		cancel()
		errc <- err
	}()
	err = srv.Serve(ctx, l)
	cancel()
	if merr := <-errc; err == nil {
		err = merr
	}
	return err
}

func envOr(env *cliEnv, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}
