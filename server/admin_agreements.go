package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
)

// checkbox is one choice of a list of checkboxes.
type checkbox struct {
	Value, Label string
	Checked      bool
}

func agreementLabels() map[string]string {
	return map[string]string{"name": "Name", "purpose": "Purpose", "parties": "Parties", "lawful_basis": "Lawful basis",
		"boroughs": "Boroughs", "expires_on": "Date it ends", "min_k": "Minimum k", "evaluators": "Evaluators"}
}

// agreementForm is the register form's data.
type agreementForm struct {
	Form                    *form
	Name, LawfulBasis, MinK textInput
	ExpiresOn               dateInput
	Boroughs, Evaluators    []checkbox
}

// evaluatorAccounts lists the active evaluators' emails.
func (s *Server) evaluatorAccounts(c *gin.Context) ([]string, error) {
	accounts, err := s.auth.Accounts(c.Request.Context())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range accounts {
		if a.Role == ateval.RoleEvaluator && !a.Disabled {
			out = append(out, a.Email)
		}
	}
	return out, nil
}

func (s *Server) renderNewAgreement(c *gin.Context, status int, f *form, chosen map[string]bool) error {
	bs, err := s.db.View(c.Request.Context()).Boroughs()
	if err != nil {
		return err
	}
	evaluators, err := s.evaluatorAccounts(c)
	if err != nil {
		return err
	}
	p := agreementForm{Form: f,
		Name:        textInput{Name: "name", Label: "Name", Hint: "As the signed agreement names it, such as “UCL falls prevention study 2026”", Form: f},
		LawfulBasis: textInput{Name: "lawful_basis", Label: "Lawful basis (optional)", Hint: "Such as UK GDPR article 6(1)(e), public task", Form: f},
		MinK:        textInput{Name: "min_k", Label: "Minimum k", Hint: "The least k any export under it may use: each resident indistinguishable from at least k − 1 others. 5 unless the agreement says more.", Width: "app-input--width-4", Numeric: true, Form: f},
		ExpiresOn:   dateInput{Name: "expires_on", Label: "Date it ends", Hint: "The first day it is no longer in force. For example, 31 3 2027", Form: f},
	}
	for _, b := range bs {
		p.Boroughs = append(p.Boroughs, checkbox{Value: b.Slug, Label: b.Name, Checked: chosen["borough:"+b.Slug]})
	}
	for _, e := range evaluators {
		p.Evaluators = append(p.Evaluators, checkbox{Value: e, Label: e, Checked: chosen["evaluator:"+e]})
	}
	title := "Register a data sharing agreement"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "agreement_new", pageData{Title: title, Data: p})
	return nil
}

// newAgreementPage is the form to register an agreement.
func (s *Server) newAgreementPage(c *gin.Context) error {
	f := newForm()
	f.Values["min_k"] = strconv.Itoa(exports.DefaultK)
	return s.renderNewAgreement(c, http.StatusOK, f, nil)
}

// createAgreementForm registers the agreement, with a fresh pseudonym
// key that stays in storage, and names its evaluators; audited.
func (s *Server) createAgreementForm(c *gin.Context) error {
	f := newForm()
	a := exports.Agreement{Name: f.text(c, "name"), Purpose: f.text(c, "purpose"), LawfulBasis: f.text(c, "lawful_basis")}
	for _, p := range strings.Split(f.text(c, "parties"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			a.Parties = append(a.Parties, p)
		}
	}
	chosen := map[string]bool{}
	a.Boroughs = c.PostFormArray("boroughs")
	for _, b := range a.Boroughs {
		chosen["borough:"+b] = true
	}
	a.Evaluators = c.PostFormArray("evaluators")
	for _, e := range a.Evaluators {
		chosen["evaluator:"+e] = true
	}
	var bad []ateval.FieldError
	if k, err := strconv.Atoi(f.text(c, "min_k")); err == nil {
		a.MinK = k
	} else {
		bad = append(bad, ateval.FieldError{Field: "min_k", Message: "must be a whole number, such as 5"})
	}
	d, fe := f.date(c, "expires_on")
	if fe != nil {
		bad = append(bad, *fe)
	}
	a.ExpiresOn = d
	var err error
	if len(bad) > 0 {
		err = ateval.Invalid("The data sharing agreement is not valid.", bad)
	} else {
		err = s.db.CreateAgreement(c.Request.Context(), &a, s.framework())
	}
	switch code := ateval.ErrorCode(err); code {
	case "":
	case ateval.EINVALID, ateval.ECONFLICT:
		if code == ateval.ECONFLICT {
			err = ateval.Invalid("The data sharing agreement is not valid.", []ateval.FieldError{{Field: "name", Message: "is already the name of an agreement"}})
		}
		f.fail(err, agreementLabels(), "expires_on")
		for i, e := range f.Errors {
			if e.Field == "boroughs" || e.Field == "evaluators" {
				f.Errors[i].Href = "#" + e.Field + "-0"
			}
			if e.Field == "boroughs" && strings.Contains(e.Message, "at least one") {
				f.Errors[i].Message = "Choose at least one borough"
			}
		}
		f.inPageOrder("name", "purpose", "parties", "lawful_basis", "boroughs", "expires_on", "min_k", "evaluators")
		return s.renderNewAgreement(c, http.StatusUnprocessableEntity, f, chosen)
	default:
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/agreements/"+strconv.FormatInt(a.ID, 10)+"?notice=agreement-registered")
	return nil
}

// agreementID parses the :id of an agreement's path.
func agreementID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFoundPage
	}
	return id, nil
}

// agreementPage shows one agreement with the forms to name evaluators,
// set its minimum k and end it early.
func (s *Server) agreementPage(c *gin.Context) error {
	id, err := agreementID(c)
	if err != nil {
		return err
	}
	f := newForm()
	return s.renderAgreement(c, http.StatusOK, id, f)
}

func (s *Server) renderAgreement(c *gin.Context, status int, id int64, f *form) error {
	a, err := s.db.Agreement(c.Request.Context(), id)
	if err != nil {
		return err
	}
	bs, err := s.db.View(c.Request.Context()).Boroughs()
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, b := range bs {
		names[b.Slug] = b.Name
	}
	var boroughs []string
	for _, slug := range a.Boroughs {
		if n := names[slug]; n != "" {
			boroughs = append(boroughs, n)
		} else {
			boroughs = append(boroughs, slug)
		}
	}
	// The register lists each agreement's evaluators; one agreement's
	// are read from it.
	all, err := s.db.Agreements(c.Request.Context())
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID == id {
			a.Evaluators = x.Evaluators
		}
	}
	if _, ok := f.Values["min_k"]; !ok {
		f.Values["min_k"] = strconv.Itoa(a.MinK)
	}
	today := s.db.View(c.Request.Context()).Today()
	title := a.Name
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "agreement", pageData{Title: title, Data: gin.H{
		"Agreement": agreementView{Agreement: a, InForce: today.Before(a.ExpiresOn)}, "Boroughs": boroughs, "Form": f, "Notice": notice(c),
		"MinK": textInput{Name: "min_k", Label: "The least k any export under it may use", Hint: "From 2 to " + strconv.Itoa(exports.MaxK) + ". Exports already made keep the k they promised each resident.", Width: "app-input--width-4", Numeric: true, Form: f}}})
	return nil
}

// minKForm sets the agreement's minimum k.
func (s *Server) minKForm(c *gin.Context) error {
	id, err := agreementID(c)
	if err != nil {
		return err
	}
	f := newForm()
	k, perr := strconv.Atoi(f.text(c, "min_k"))
	if perr != nil {
		err = ateval.Invalid("The minimum k is not valid.", []ateval.FieldError{{Field: "min_k", Message: "must be a whole number, such as 5"}})
	} else {
		err = s.db.SetAgreementMinK(c.Request.Context(), id, k)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		f.fail(err, agreementLabels())
		return s.renderAgreement(c, http.StatusUnprocessableEntity, id, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/agreements/"+strconv.FormatInt(id, 10)+"?notice=min-k-set")
	return nil
}

// endAgreementForm ends the agreement today: no export is made under it
// again.
func (s *Server) endAgreementForm(c *gin.Context) error {
	id, err := agreementID(c)
	if err != nil {
		return err
	}
	if _, err := s.db.EndAgreement(c.Request.Context(), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/agreements/"+strconv.FormatInt(id, 10)+"?notice=agreement-ended")
	return nil
}
