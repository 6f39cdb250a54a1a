package server

import (
	"net/http"
	"strconv"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

func trialLabels() map[string]string {
	return map[string]string{"borough": "Borough", "device_category": "Device category", "from": "First day", "to": "Last day"}
}

// trialView is one randomised trial as the page lists it.
type trialView struct {
	ID                        int64
	Borough, Category, Counts string
	From, To                  ateval.Date
}

// trialsPage lists the boroughs' randomised trials, with the form to
// record another.
func (s *Server) trialsPage(c *gin.Context) error {
	return s.renderTrials(c, http.StatusOK, newForm())
}

func (s *Server) renderTrials(c *gin.Context, status int, f *form) error {
	ctx := c.Request.Context()
	trials, err := s.db.RandomisedTrials(ctx)
	if err != nil {
		return err
	}
	bs, err := s.db.View(ctx).Boroughs()
	if err != nil {
		return err
	}
	cats, err := s.db.View(ctx).Categories()
	if err != nil {
		return err
	}
	boroughName, categoryName := map[string]string{}, map[string]string{}
	var boroughs, categories []option
	for _, b := range bs {
		boroughName[b.Slug] = b.Name
		boroughs = append(boroughs, option{b.Slug, b.Name})
	}
	for _, c := range cats {
		categoryName[c.ID] = c.Name
		categories = append(categories, option{c.ID, c.Name})
	}
	var rows []trialView
	for _, t := range trials {
		rows = append(rows, trialView{ID: t.ID, Borough: boroughName[t.Borough], Category: categoryName[t.DeviceCategory],
			From: t.From, To: t.To, Counts: t.Years()})
	}
	title := "Randomised trials"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "admin_trials", pageData{Title: title, Data: gin.H{
		"Trials": rows, "Form": f, "Notice": notice(c), "Boroughs": boroughs, "Categories": categories,
		"From": dateInput{Name: "from", Label: "First day residents were allocated at random", Hint: "For example, 1 4 2024", Form: f},
		"To":   dateInput{Name: "to", Label: "Last day (optional)", Hint: "Leave blank while the trial runs. For example, 31 3 2026", Form: f},
	}})
	return nil
}

// recordTrialForm records a borough's randomised trial; audited.
func (s *Server) recordTrialForm(c *gin.Context) error {
	f := newForm()
	t := ateval.RandomisedTrial{Borough: f.text(c, "borough"), DeviceCategory: f.text(c, "device_category")}
	var bad []ateval.FieldError
	var fe *ateval.FieldError
	if t.From, fe = f.date(c, "from"); fe != nil {
		bad = append(bad, *fe)
	}
	if t.To, fe = f.date(c, "to"); fe != nil {
		bad = append(bad, *fe)
	}
	var err error
	if len(bad) > 0 {
		err = ateval.Invalid("The randomised trial is not valid.", bad)
	} else {
		err = s.db.RecordRandomisedTrial(c.Request.Context(), &t)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		f.fail(err, trialLabels(), "from", "to")
		for i, e := range f.Errors {
			// The domain's messages are whole sentences already; a date's
			// ("must include a month") reads after its label.
			for _, fe := range ateval.ErrorFields(err) {
				if fe.Field == e.Field && fe.Message != "" && unicode.IsUpper([]rune(fe.Message)[0]) {
					f.Errors[i].Message = fe.Message
				}
			}
		}
		f.inPageOrder("borough", "device_category", "from", "to")
		return s.renderTrials(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/trials?notice=trial-recorded")
	return nil
}

// removeTrialForm removes a trial recorded in error; audited.
func (s *Server) removeTrialForm(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFoundPage
	}
	if err := s.db.RemoveRandomisedTrial(c.Request.Context(), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/trials?notice=trial-removed")
	return nil
}
