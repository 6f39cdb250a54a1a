package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

var errNotFoundPage = ateval.Errorf(ateval.ENOTFOUND, "There is no page at this address.")

// codeMethodNotAllowed is the error code of a request whose method the
// address does not take (405, with the methods it does take in Allow). It
// is HTTP's alone, so it lives here rather than in the domain's
// vocabulary.
const codeMethodNotAllowed = "method_not_allowed"

var errMethodNotAllowed = ateval.Errorf(codeMethodNotAllowed, "This address does not take that method; the Allow header lists those it takes.")

// statusOf is the one table from error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case ateval.EINVALID:
		return http.StatusUnprocessableEntity
	case ateval.ENOTFOUND:
		return http.StatusNotFound
	case ateval.ECONFLICT:
		return http.StatusConflict
	case ateval.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case ateval.EFORBIDDEN:
		return http.StatusForbidden
	case ateval.ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	case ateval.ERATELIMITED:
		return http.StatusTooManyRequests
	case ateval.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case ateval.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// errorBody is the one shape of every error the API returns.
type errorBody struct {
	Error struct {
		Code    string              `json:"code"`
		Message string              `json:"message"`
		Fields  []ateval.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

// writeError answers with err: JSON for the API and for clients that ask
// for it, an HTML page otherwise. Internal errors are logged, with the
// request's method and route only (never its parameters, which may be
// personal data), and shown as a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	// A body cut short by the size limit surfaces wherever it was being
	// read; it is the client's mistake, not ours, wherever that was.
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = errTooLarge(tooLarge.Limit)
	}
	code := ateval.ErrorCode(err)
	status := statusOf(code)
	switch code {
	case ateval.EINTERNAL:
		s.log.Error("internal error", "method", c.Request.Method, "route", c.FullPath(), "err", err)
	case ateval.EUNAVAILABLE:
		// Not a fault, but the operator should know that writes are waiting.
		s.log.Warn("unavailable", "method", c.Request.Method, "route", c.FullPath(), "err", err)
	}
	setRetryAfter(c, err)
	var body errorBody
	body.Error.Code = code
	body.Error.Message = ateval.ErrorMessage(err)
	body.Error.Fields = ateval.ErrorFields(err)
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, body)
		return
	}
	c.Status(status)
	s.render(c, status, "error", pageData{Title: http.StatusText(status), Data: body.Error})
	c.Abort()
}

// defaultRetryAfter is what a busy answer asks a client to wait when the
// error does not say.
const defaultRetryAfter = 5 * time.Second

// setRetryAfter sets Retry-After, in whole seconds rounded up, on an answer
// that asks the client to come back: busy (503) or rate limited (429).
func setRetryAfter(c *gin.Context, err error) {
	code := ateval.ErrorCode(err)
	if code != ateval.EUNAVAILABLE && code != ateval.ERATELIMITED {
		return
	}
	d := ateval.ErrorRetryAfter(err)
	if d <= 0 {
		d = defaultRetryAfter
	}
	c.Header("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
}

func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") ||
		strings.Contains(c.GetHeader("Accept"), "application/json") && !strings.Contains(c.GetHeader("Accept"), "text/html")
}
