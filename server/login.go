package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// loginForm is what the sign-in page shows back after a failed attempt.
type loginForm struct {
	Email string
	Next  string
	// Error is the message of the error summary, linked to the email field.
	Error string
	// Notice confirms what brought the user here (a password just set).
	Notice string
}

// loginPage shows the sign-in form, with a fresh CSRF token in a cookie
// and the form alike.
func (s *Server) loginPage(c *gin.Context) error {
	if u := currentUser(c); u != nil {
		c.Redirect(http.StatusSeeOther, landing(u))
		return nil
	}
	s.renderLogin(c, http.StatusOK, loginForm{Next: safeNext(c.Query("next")), Notice: notice(c)})
	return nil
}

func (s *Server) renderLogin(c *gin.Context, status int, f loginForm) {
	tok := newToken()
	s.setCookie(c, loginCSRFCookie, tok, 3600)
	title := "Sign in"
	if f.Error != "" {
		title = "Error: " + title
	}
	s.render(c, status, "login", pageData{Title: title, CSRF: tok, Data: f})
}

// login checks the form's email and password, begins a cookie session and
// goes to where the user's work is (or back to the page they asked for).
func (s *Server) login(c *gin.Context) error {
	want, _ := c.Cookie(loginCSRFCookie)
	if !sameToken(c.PostForm(csrfField), want) {
		return errCSRF
	}
	f := loginForm{Email: c.PostForm("email"), Next: safeNext(c.PostForm("next"))}
	u, err := s.auth.Authenticate(c.Request.Context(), f.Email, c.PostForm("password"), s.cfg.LoginLimits)
	switch code := ateval.ErrorCode(err); code {
	case "":
	case ateval.EUNAUTHORIZED, ateval.ERATELIMITED, ateval.EUNAVAILABLE:
		f.Error = ateval.ErrorMessage(err)
		setRetryAfter(c, err)
		s.renderLogin(c, statusOf(code), f)
		return nil
	default:
		return err
	}
	// A new session on every sign-in, and the old one ended, so a session
	// id planted before sign-in is worth nothing after it.
	if old, ok := c.Get(tokenKey); ok {
		if err := s.auth.EndSession(c.Request.Context(), old.(string)); err != nil {
			return err
		}
	}
	tok, _, err := s.auth.CreateSession(c.Request.Context(), u.ID, auth.CookieSession, s.cfg.Sessions)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, tok, int(s.cfg.Sessions.Absolute.Seconds()))
	s.clearCookie(c, loginCSRFCookie)
	next := f.Next
	if next == "" {
		next = landing(u)
	}
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

// logout ends the cookie session.
func (s *Server) logout(c *gin.Context) error {
	if tok, ok := c.Get(tokenKey); ok {
		if err := s.auth.EndSession(c.Request.Context(), tok.(string)); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	c.Redirect(http.StatusSeeOther, "/login")
	return nil
}

type apiLoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type apiLoginResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

// apiLogin exchanges an email and password for a bearer token.
func (s *Server) apiLogin(c *gin.Context) error {
	var req apiLoginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	withUser(c, nil)
	u, err := s.auth.Authenticate(c.Request.Context(), req.Email, req.Password, s.cfg.LoginLimits)
	if err != nil {
		return err
	}
	tok, sess, err := s.auth.CreateSession(c.Request.Context(), u.ID, auth.BearerSession, s.cfg.Sessions)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, apiLoginResponse{Token: tok, ExpiresAt: sess.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")})
	return nil
}

// apiLogout revokes the bearer token used.
func (s *Server) apiLogout(c *gin.Context) error {
	tok, _ := c.Get(tokenKey)
	if err := s.auth.EndSession(c.Request.Context(), tok.(string)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// apiMe answers who the token belongs to.
func (s *Server) apiMe(c *gin.Context) error {
	c.JSON(http.StatusOK, currentUser(c))
	return nil
}
