package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// adminRoutes registers the administrator's pages for accounts and the
// register of agreements, and the page where a user sets their password
// from a one-time link. Which of it a user may do is decided in storage
// too: these guards say only which roles may try.
func (s *Server) adminRoutes(pages *gin.RouterGroup) {
	admin := s.requireRole(ateval.RoleAdmin)
	pages.GET("/admin/users", admin, s.handle(s.usersPage))
	pages.POST("/admin/users", admin, s.handle(s.addUserForm))
	pages.GET("/admin/users/:id", admin, s.handle(s.userPage))
	pages.POST("/admin/users/:id", admin, s.handle(s.changeUserForm))
	pages.POST("/admin/users/:id/disabled", admin, s.handle(s.disableUserForm))
	pages.POST("/admin/users/:id/password-reset", admin, s.handle(s.passwordResetForm))
	pages.GET("/admin/agreements/new", admin, s.handle(s.newAgreementPage))
	pages.POST("/admin/agreements", admin, s.handle(s.createAgreementForm))
	pages.GET("/admin/agreements/:id", admin, s.handle(s.agreementPage))
	pages.POST("/admin/agreements/:id/min-k", admin, s.handle(s.minKForm))
	pages.POST("/admin/agreements/:id/end", admin, s.handle(s.endAgreementForm))
	pages.GET("/admin/trials", admin, s.handle(s.trialsPage))
	pages.POST("/admin/trials", admin, s.handle(s.recordTrialForm))
	pages.POST("/admin/trials/:id/remove", admin, s.handle(s.removeTrialForm))
	pages.GET("/password-reset/:token", s.handle(s.setPasswordPage))
	pages.POST("/password-reset/:token", s.handle(s.setPasswordForm))
}

// accountView is one account as the pages show it, with its borough's
// name.
type accountView struct {
	auth.Account
	RoleLabel, Borough string
}

// boroughNames maps each borough's id to its name.
func (s *Server) boroughNames(c *gin.Context) (map[int64]string, []option, error) {
	bs, err := s.db.View(c.Request.Context()).Boroughs()
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int64]string, len(bs))
	opts := make([]option, 0, len(bs))
	for _, b := range bs {
		names[b.ID] = b.Name
		opts = append(opts, option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
	}
	return names, opts, nil
}

// roleOptions are the roles a form offers.
func roleOptions() []option {
	out := make([]option, 0, len(ateval.Roles()))
	for _, r := range ateval.Roles() {
		out = append(out, option{Value: string(r), Label: roleLabel(r)})
	}
	return out
}

// userFields are the account forms' controls.
type userFields struct {
	Email   textInput
	Role    radios
	Borough []option
}

func userLabels() map[string]string {
	return map[string]string{"email": "Email address", "role": "Role", "borough": "Borough"}
}

// failUser shows a refused account form's errors, in page order, with
// the rule's role codes in words.
func failUser(f *form, err error) {
	f.fail(err, userLabels())
	f.choose(map[string]string{"role": "Select the user's role"})
	for i, e := range f.Errors {
		if e.Field == "borough" {
			f.Errors[i].Message = "Choose the borough of a practitioner or borough lead, and none for other roles"
		}
	}
	f.inPageOrder("email", "role", "borough")
}

// usersPage lists every account, with the form to add one.
func (s *Server) usersPage(c *gin.Context) error {
	f := newForm()
	f.Values["role"] = string(ateval.RolePractitioner)
	return s.renderUsers(c, http.StatusOK, f)
}

func (s *Server) renderUsers(c *gin.Context, status int, f *form) error {
	accounts, err := s.auth.Accounts(c.Request.Context())
	if err != nil {
		return err
	}
	names, boroughs, err := s.boroughNames(c)
	if err != nil {
		return err
	}
	views := make([]accountView, len(accounts))
	for i, a := range accounts {
		views[i] = accountView{Account: a, RoleLabel: roleLabel(a.Role), Borough: names[a.BoroughID]}
	}
	title := "Users"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "admin_users", pageData{Title: title, Data: gin.H{"Accounts": views, "Form": f, "Notice": notice(c),
		"Fields": userFields{Email: textInput{Name: "email", Label: "Email address", Hint: "The address they sign in with", Width: "app-input--width-20", Form: f},
			Role: radios{Name: "role", Label: "Role", Form: f, Options: roleOptions()}, Borough: boroughs}}})
	return nil
}

// userFromForm reads the role and borough of an account form.
func userFromForm(c *gin.Context, f *form) (ateval.Role, int64) {
	role := ateval.Role(f.text(c, "role"))
	var borough int64
	if v := f.text(c, "borough"); v != "" {
		borough, _ = strconv.ParseInt(v, 10, 64)
	}
	return role, borough
}

// addUserForm adds an account and shows, once, the link its user sets
// their password with: no one else ever knows it.
func (s *Server) addUserForm(c *gin.Context) error {
	f := newForm()
	u := ateval.User{Email: f.text(c, "email")}
	u.Role, u.BoroughID = userFromForm(c, f)
	if !u.Role.NeedsBorough() {
		u.BoroughID = 0 // a borough chosen for a role that has none is the form's leftover, not a mistake
	}
	token, expires, err := s.auth.AddUser(c.Request.Context(), &u)
	switch code := ateval.ErrorCode(err); code {
	case "":
	case ateval.EINVALID, ateval.ECONFLICT:
		if code == ateval.ECONFLICT {
			err = ateval.Invalid("The user is not valid.", []ateval.FieldError{{Field: "email", Message: "is already the email of an account"}})
		}
		failUser(f, err)
		return s.renderUsers(c, statusOf(ateval.EINVALID), f)
	default:
		return err
	}
	return s.renderLink(c, u.Email, token, expires, true)
}

// renderLink shows a one-time link to set a password: the only time it
// is shown, since only its hash is kept.
func (s *Server) renderLink(c *gin.Context, email, token string, expires time.Time, added bool) error {
	link := "/password-reset/" + url.PathEscape(token)
	scheme := "http"
	if c.Request.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	s.render(c, http.StatusOK, "admin_link", pageData{Title: "Link to set a password", Data: gin.H{
		"Email": email, "Link": scheme + "://" + c.Request.Host + link, "Path": link, "Expires": expires, "Added": added}})
	return nil
}

// userID parses the :id of an account's path.
func userID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ateval.Errorf(ateval.ENOTFOUND, "There is no user with this id.")
	}
	return id, nil
}

// userPage shows one account with the forms to change its role or
// borough, disable or enable it, and give it a link to set its password.
func (s *Server) userPage(c *gin.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	a, err := s.auth.Account(c.Request.Context(), id)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values["role"] = string(a.Role)
	if a.BoroughID != 0 {
		f.Values["borough"] = strconv.FormatInt(a.BoroughID, 10)
	}
	return s.renderUser(c, http.StatusOK, a, f)
}

func (s *Server) renderUser(c *gin.Context, status int, a auth.Account, f *form) error {
	names, boroughs, err := s.boroughNames(c)
	if err != nil {
		return err
	}
	title := a.Email
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	self := currentUser(c) != nil && currentUser(c).ID == a.ID
	s.render(c, status, "admin_user", pageData{Title: title, Data: gin.H{
		"Account": accountView{Account: a, RoleLabel: roleLabel(a.Role), Borough: names[a.BoroughID]}, "Form": f, "Self": self, "Notice": notice(c),
		"Fields": userFields{Role: radios{Name: "role", Label: "Role", Form: f, Options: roleOptions()}, Borough: boroughs}}})
	return nil
}

// changeUserForm sets an account's role and borough.
func (s *Server) changeUserForm(c *gin.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	f := newForm()
	role, borough := userFromForm(c, f)
	if !role.NeedsBorough() {
		borough = 0
	}
	err = s.auth.ChangeUser(c.Request.Context(), id, role, borough)
	if code := ateval.ErrorCode(err); code == ateval.EINVALID || code == ateval.ECONFLICT {
		a, aerr := s.auth.Account(c.Request.Context(), id)
		if aerr != nil {
			return aerr
		}
		failUser(f, err)
		return s.renderUser(c, statusOf(code), a, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10)+"?notice=user-changed")
	return nil
}

// disableUserForm disables an account (disabled=true) or enables it.
func (s *Server) disableUserForm(c *gin.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	disabled := c.PostForm("disabled") == "true"
	if err := s.auth.SetUserDisabled(c.Request.Context(), id, disabled); err != nil {
		return err
	}
	n := "user-enabled"
	if disabled {
		n = "user-disabled"
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10)+"?notice="+n)
	return nil
}

// passwordResetForm makes a new one-time link for an account and shows
// it, once.
func (s *Server) passwordResetForm(c *gin.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	a, err := s.auth.Account(c.Request.Context(), id)
	if err != nil {
		return err
	}
	token, expires, err := s.auth.IssuePasswordReset(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return s.renderLink(c, a.Email, token, expires, false)
}

// setPasswordPage is where a user opens their one-time link and chooses
// a password. It needs no session: the link is the secret. The form
// carries a token of its own in a cookie and a field, as the sign-in
// form does.
func (s *Server) setPasswordPage(c *gin.Context) error {
	email, err := s.auth.PasswordResetUser(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.renderSetPassword(c, http.StatusOK, email, newForm())
}

func (s *Server) renderSetPassword(c *gin.Context, status int, email string, f *form) error {
	tok := newToken()
	s.setCookie(c, loginCSRFCookie, tok, 3600)
	title := "Set your password"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "password_reset", pageData{Title: title, CSRF: tok, Data: gin.H{
		"Email": email, "Form": f, "Action": "/password-reset/" + url.PathEscape(c.Param("token"))}})
	return nil
}

// setPasswordForm sets the password, spends the link, and sends the user
// to sign in.
func (s *Server) setPasswordForm(c *gin.Context) error {
	want, _ := c.Cookie(loginCSRFCookie)
	if !sameToken(c.PostForm(csrfField), want) {
		return errCSRF
	}
	withUser(c, nil) // the link acts for its account, not for whoever is signed in here
	f := newForm()
	password := c.PostForm("password")
	if password != c.PostForm("password_again") {
		err := ateval.Invalid("The passwords differ.", []ateval.FieldError{{Field: "password_again", Message: "must be the same password typed again"}})
		return s.refuseSetPassword(c, f, err)
	}
	err := s.auth.ResetPassword(c.Request.Context(), c.Param("token"), password)
	if ateval.ErrorCode(err) == ateval.EINVALID {
		return s.refuseSetPassword(c, f, err)
	} else if err != nil {
		return err
	}
	s.clearCookie(c, loginCSRFCookie)
	c.Redirect(http.StatusSeeOther, "/login?notice=password-set")
	return nil
}

func (s *Server) refuseSetPassword(c *gin.Context, f *form, err error) error {
	email, lerr := s.auth.PasswordResetUser(c.Request.Context(), c.Param("token"))
	if lerr != nil {
		return lerr
	}
	f.fail(err, map[string]string{"password": "The password", "password_again": "The password typed again"})
	return s.renderSetPassword(c, http.StatusUnprocessableEntity, email, f)
}
