package server

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

// DefaultMaxBody bounds a request body: an assessment or a form is a few
// kilobytes, so a megabyte leaves room without letting one request take
// the server's memory.
const DefaultMaxBody = 1 << 20

func errTooLarge(limit int64) error {
	return ateval.Errorf(ateval.ETOOLARGE, "The request is larger than the %s this server accepts.", humanBytes(limit))
}

// limitBody refuses a request whose declared length is over the limit
// before reading any of it, and cuts off one that sends more than it
// declared (or declares nothing) at the limit.
func (s *Server) limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			// Close the connection: the rest of the body is not worth reading.
			c.Header("Connection", "close")
			s.writeError(c, errTooLarge(limit))
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = maxBytesReader(c, limit)
		}
		c.Next()
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func maxBytesReader(c *gin.Context, limit int64) io.ReadCloser {
	return http.MaxBytesReader(c.Writer, c.Request.Body, limit)
}
