package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// errNoObjection answers a withdrawal for a resident who has no
// objection standing.
var errNoObjection = ateval.Errorf(ateval.ECONFLICT, "This resident has no objection to withdraw.")

type withdrawalPage struct {
	Form        *form
	Resident    devices.Resident
	WithdrawnOn dateInput
}

func (s *Server) renderWithdrawal(c *gin.Context, status int, r devices.Resident, f *form) error {
	if r.ObjectedOn.IsZero() {
		return errNoObjection
	}
	title := "Withdraw the objection of resident " + r.Reference
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "objection_withdrawal", pageData{Title: title, Data: withdrawalPage{Form: f, Resident: r,
		WithdrawnOn: dateInput{Name: "withdrawn_on", Label: "When did the resident withdraw their objection?", Form: f}}})
	return nil
}

// withdrawalPage asks the day a resident withdrew their objection to the
// use of their data for evaluation.
func (s *Server) withdrawalPage(c *gin.Context) error {
	rec, err := s.pathResident(c)
	if err != nil {
		return err
	}
	f := newForm()
	f.setDate("withdrawn_on", ateval.DateOf(s.db.Now()))
	return s.renderWithdrawal(c, http.StatusOK, rec.Resident, f)
}

// withdrawObjectionForm records the withdrawal: storage clears the
// objection, keeps it with the day it was withdrawn, and audits it.
func (s *Server) withdrawObjectionForm(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	f := newForm()
	on, fe := f.date(c, "withdrawn_on")
	if fe != nil {
		err = ateval.Invalid("The withdrawal of the objection is not valid.", []ateval.FieldError{*fe})
	} else {
		_, err = s.db.WithdrawObjection(c.Request.Context(), id, on)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		rec, rerr := s.db.ResidentRecord(c.Request.Context(), id)
		if rerr != nil {
			return rerr
		}
		f.fail(err, map[string]string{"withdrawn_on": "The date of the withdrawal"}, "withdrawn_on")
		return s.renderWithdrawal(c, http.StatusUnprocessableEntity, rec.Resident, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, residentPath(id)+"?notice=objection-withdrawn")
	return nil
}
