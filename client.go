package ateval

import "context"

type clientKey struct{}

// NewContextWithClient returns a context carrying where the request came
// from (the client's IP address), for the audit log.
func NewContextWithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFromContext returns the client address, or "" (the command line).
func ClientFromContext(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}
