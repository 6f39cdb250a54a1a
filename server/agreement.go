package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
)

// agreementView is one agreement as the pages list it.
type agreementView struct {
	exports.Agreement
	InForce bool
}

func (s *Server) agreementViews(c *gin.Context) ([]agreementView, error) {
	as, err := s.db.Agreements(c.Request.Context())
	if err != nil {
		return nil, err
	}
	today := s.db.View(c.Request.Context()).Today()
	out := make([]agreementView, len(as))
	for i, a := range as {
		out[i] = agreementView{Agreement: a, InForce: today.Before(a.ExpiresOn)}
	}
	return out, nil
}

type agreementList struct {
	Agreements []exports.Agreement `json:"agreements"`
}

// apiAgreements lists the agreements the caller may see: an evaluator's
// own, or, for an administrator, the register with its evaluators.
func (s *Server) apiAgreements(c *gin.Context) error {
	as, err := s.db.Agreements(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, agreementList{Agreements: as})
	return nil
}

// agreementsPage is the administrator's view of the register: each
// agreement, what it covers, until when, and who is named on it, with a
// form to name more evaluators.
func (s *Server) agreementsPage(c *gin.Context) error {
	return s.renderAgreements(c, 0, "", nil)
}

func (s *Server) renderAgreements(c *gin.Context, id int64, typed string, failed error) error {
	as, err := s.agreementViews(c)
	if err != nil {
		return err
	}
	data := gin.H{"Agreements": as, "Failed": id, "Typed": typed}
	status, title := http.StatusOK, "Data sharing agreements"
	if failed != nil {
		code := ateval.ErrorCode(failed)
		if code == ateval.EINTERNAL || code == ateval.EUNAVAILABLE {
			return failed // the one error writer logs it, or says when to come back
		}
		msgs := []string{ateval.ErrorMessage(failed)}
		for _, f := range ateval.ErrorFields(failed) {
			msgs = append(msgs, f.Message)
		}
		data["Errors"] = msgs
		status, title = statusOf(code), "Error: "+title
	}
	s.render(c, status, "agreements", pageData{Title: title, Data: data})
	return nil
}

// nameEvaluators names evaluators, by email, on an agreement (the
// administrator's form), and goes back to the register.
func (s *Server) nameEvaluators(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFoundPage
	}
	typed := c.PostForm("evaluators")
	var emails []string
	for _, e := range strings.Split(typed, ",") {
		if e = ateval.NormalizeEmail(e); e != "" {
			emails = append(emails, e)
		}
	}
	if len(emails) == 0 {
		err = ateval.Invalid("Name at least one evaluator.", []ateval.FieldError{{Field: "evaluators", Message: "Enter evaluators' emails, separated by commas"}})
	} else {
		err = s.db.AddAgreementEvaluators(c.Request.Context(), id, emails)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/admin/agreements/"+strconv.FormatInt(id, 10)+"?notice=evaluators-named")
		return nil
	}
	if code := ateval.ErrorCode(err); code == ateval.EINVALID {
		// Shown on the agreement's own page, beside its form.
		f := newForm()
		f.Values["evaluators"] = typed
		fields := ateval.ErrorFields(err)
		if len(fields) == 0 {
			fields = []ateval.FieldError{{Field: "evaluators", Message: ateval.ErrorMessage(err)}}
		}
		for _, fe := range fields {
			f.Errors = append(f.Errors, fieldError{Field: "evaluators", Message: upperFirst(fe.Message), Href: "#evaluators-" + strconv.FormatInt(id, 10)})
		}
		if rerr := s.renderAgreement(c, statusOf(code), id, f); ateval.ErrorCode(rerr) != ateval.ENOTFOUND {
			return rerr
		}
	}
	return s.renderAgreements(c, id, typed, err)
}

// exportsPage lists the evaluator's agreements and offers the export form.
func (s *Server) exportsPage(c *gin.Context) error {
	return s.renderExports(c, exportRequest{Layout: exports.LayoutLong}, nil)
}

// renderExports shows the exports page, with the refusal or mistakes of
// a request if there were any.
func (s *Server) renderExports(c *gin.Context, r exportRequest, failed error) error {
	as, err := s.agreementViews(c)
	if err != nil {
		return err
	}
	if r.Layout == "" {
		r.Layout = exports.LayoutLong
	}
	data := gin.H{"Agreements": as, "Request": r, "K": strconv.Itoa(r.K), "Layout": r.Layout,
		"Layouts": []string{exports.LayoutLong, exports.LayoutWide}}
	if r.K == 0 {
		// The minimum k of the agreement the form has chosen: the one
		// asked for, or the first listed.
		k := exports.DefaultK
		for i, a := range as {
			if a.ID == r.Agreement || (i == 0 && r.Agreement == 0) {
				k = a.MinK
			}
		}
		data["K"] = strconv.Itoa(k)
	}
	status, title := http.StatusOK, "Anonymised exports"
	if failed != nil {
		code := ateval.ErrorCode(failed)
		if code == ateval.EINTERNAL || code == ateval.EUNAVAILABLE {
			return failed // the one error writer logs it, or says when to come back
		}
		fields := ateval.ErrorFields(failed)
		if len(fields) == 0 {
			fields = []ateval.FieldError{{Field: "agreement", Message: ateval.ErrorMessage(failed)}}
		}
		data["Errors"] = fields
		status, title = statusOf(code), "Error: "+title
	}
	s.render(c, status, "exports", pageData{Title: title, Data: data})
	return nil
}
