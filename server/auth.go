package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

const (
	sessionCookie = "ateval_session"
	// loginCSRFCookie carries the login form's CSRF token before there is a
	// session to hold one (a double-submit cookie).
	loginCSRFCookie = "ateval_login_csrf"
	csrfField       = "csrf_token"
	sessionKey      = "ateval.session"
	tokenKey        = "ateval.token"
)

var (
	errCSRF        = ateval.Errorf(ateval.EFORBIDDEN, "This form has expired or did not come from this site. Go back, reload the page and try again.")
	errNeedsBearer = ateval.Errorf(ateval.EUNAUTHORIZED, "Send the token from POST /api/v1/login in an Authorization: Bearer header.")
)

// withUser puts the acting user and the client's address into the
// request's context, where storage reads them to scope and audit.
func withUser(c *gin.Context, sess *auth.Session) {
	ctx := ateval.NewContextWithClient(c.Request.Context(), c.ClientIP())
	if sess != nil {
		ctx = ateval.NewContextWithUser(ctx, sess.User)
		c.Set(sessionKey, sess)
	}
	c.Request = c.Request.WithContext(ctx)
}

// currentSession returns the request's session, or nil.
func currentSession(c *gin.Context) *auth.Session {
	s, _ := c.Get(sessionKey)
	sess, _ := s.(*auth.Session)
	return sess
}

// currentUser returns the signed-in user, or nil.
func currentUser(c *gin.Context) *ateval.User {
	if s := currentSession(c); s != nil {
		return s.User
	}
	return nil
}

// pageSession resolves the session cookie, if any, for the pages. A
// cookie that names no live session is cleared and the request goes on
// signed out; the pages that need a user redirect to the sign-in page.
// Every request that changes something (not GET or HEAD) must carry the
// session's CSRF token in its form, except the sign-in form, which has a
// token of its own.
func (s *Server) pageSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		var sess *auth.Session
		if tok, err := c.Cookie(sessionCookie); err == nil && tok != "" {
			got, err := s.auth.SessionByToken(c.Request.Context(), tok, auth.CookieSession, s.cfg.Sessions)
			switch ateval.ErrorCode(err) {
			case "":
				sess = &got
				c.Set(tokenKey, tok)
			case ateval.EUNAUTHORIZED:
				s.clearCookie(c, sessionCookie)
			default:
				s.writeError(c, err)
				return
			}
		}
		withUser(c, sess)
		// The sign-in form and the form a one-time link opens to set a
		// password are sent before there is a session: they carry a token
		// of their own (loginCSRFCookie), checked by their handlers.
		ownToken := c.FullPath() == "/login" || c.FullPath() == "/password-reset/:token"
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !ownToken {
			if sess == nil || !sameToken(c.PostForm(csrfField), sess.CSRFToken) {
				s.writeError(c, errCSRF)
				return
			}
		}
		c.Next()
	}
}

// bearer resolves the API's Authorization: Bearer token; without a live
// one the call is refused. Cookies are not accepted by the API, so a page
// in another tab cannot make calls with the user's ambient credentials,
// and the API needs no CSRF token.
func (s *Server) bearer() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(tok) == "" {
			withUser(c, nil)
			s.writeError(c, errNeedsBearer)
			return
		}
		sess, err := s.auth.SessionByToken(c.Request.Context(), strings.TrimSpace(tok), auth.BearerSession, s.cfg.Sessions)
		if err != nil {
			s.writeError(c, err)
			return
		}
		c.Set(tokenKey, strings.TrimSpace(tok))
		c.Header("Cache-Control", "no-store")
		withUser(c, &sess)
		c.Next()
	}
}

// requireRole lets through only users of the roles named: others are
// refused (EFORBIDDEN) and the refusal is audited (access_denied, by the
// route's pattern, never its query or path values), and pages send a
// signed-out visitor to sign in, unaudited. It is the role-level check;
// which residents a user sees is decided below, in storage.
func (s *Server) requireRole(roles ...ateval.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		if u == nil {
			if wantsJSON(c) {
				s.writeError(c, ateval.Errorf(ateval.EUNAUTHORIZED, "Sign in to continue."))
			} else {
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
			}
			return
		}
		for _, r := range roles {
			if u.Role == r {
				c.Next()
				return
			}
		}
		if err := s.db.AccessDenied(c.Request.Context(), c.Request.Method+" "+c.FullPath(), ateval.AuditEntry{}); err != nil {
			s.writeError(c, err)
			return
		}
		s.writeError(c, ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to this page."))
	}
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie writes an HttpOnly, SameSite=Lax cookie, Secure when the
// request came over TLS or the server is configured to sit behind TLS.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.Request.TLS != nil})
}

func (s *Server) clearCookie(c *gin.Context, name string) { s.setCookie(c, name, "", -1) }

// landing is where each role's work is.
func landing(u *ateval.User) string {
	switch u.Role {
	case ateval.RolePractitioner, ateval.RoleBoroughLead:
		return "/residents"
	case ateval.RoleAdmin:
		return "/admin/audit"
	}
	return "/reports"
}

// safeNext returns next if it is a path on this site, else "".
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") {
		return ""
	}
	// Browsers drop tabs and newlines from URLs and read a backslash as a
	// slash, so "/\t/evil.example" would become "//evil.example": refuse
	// every control character and backslash outright, then require a path
	// with no scheme and no host.
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//") {
		return ""
	}
	return next
}
