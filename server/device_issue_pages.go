package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

func issueLabels() map[string]string {
	return map[string]string{"device_id": "Device", "issued_on": "Date issued", "installed_on": "Date installed",
		"removed_on": "Date removed", "removal_reason": "Reason for removal", "removal_note": "Details of the reason",
		"asset_tag": "Asset tag", "issued_by": "Issued by", "need": "Need it meets", "reviewed_on": "Date reviewed",
		"review_note": "What the review found"}
}

func issueDates() []string { return []string{"issued_on", "installed_on", "removed_on", "reviewed_on"} }

// failIssue shows a refused issue or update's errors on the form, in the
// order of the fields on the page.
func failIssue(f *form, err error) {
	f.fail(err, issueLabels(), issueDates()...)
	f.choose(map[string]string{"removal_reason": "Select why the device came back", "device_id": "Select the device from the catalogue"})
	f.inPageOrder("device_id", "issued_on", "installed_on", "asset_tag", "issued_by", "need", "reviewed_on", "review_note", "removed_on", "removal_reason", "removal_note")
}

// issueIDParam parses the :id of a device issue; anything but a positive
// integer is a device issue that does not exist.
func issueIDParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ateval.Errorf(ateval.ENOTFOUND, "There is no device issue with this id in your borough.")
	}
	return id, nil
}

// categoryGroup is the catalogue's products of one category, for a select.
type categoryGroup struct {
	Name    string
	Devices []devices.Device
}

type issuePage struct {
	Form                                         *form
	Resident                                     devices.Resident
	Issue                                        *devices.DeviceIssue // nil when issuing
	Product                                      string
	Groups                                       []categoryGroup
	Reasons                                      radios
	IssuedOn, InstalledOn, RemovedOn, ReviewedOn dateInput
	AssetTag                                     textInput
	// Staff are the members of staff an issue may name as its issuer,
	// by account id, the signed-in user first chosen.
	Staff []option
}

func (s *Server) renderIssuePage(c *gin.Context, status int, p issuePage) error {
	tx := s.db.View(c.Request.Context())
	cats, err := tx.Categories()
	if err != nil {
		return err
	}
	ds, err := tx.Devices()
	if err != nil {
		return err
	}
	for _, cat := range cats {
		g := categoryGroup{Name: cat.Name}
		for _, d := range ds {
			if d.Category == cat.ID {
				g.Devices = append(g.Devices, d)
			}
			if p.Issue != nil && d.ID == p.Issue.DeviceID {
				p.Product = d.Product
			}
		}
		if len(g.Devices) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	f := p.Form
	p.IssuedOn = dateInput{Name: "issued_on", Label: "Date issued", Form: f}
	p.InstalledOn = dateInput{Name: "installed_on", Label: "Date installed", Hint: "Leave empty if not yet installed. For example, 27 3 2026", Form: f}
	p.RemovedOn = dateInput{Name: "removed_on", Label: "Date removed or returned", Form: f}
	p.ReviewedOn = dateInput{Name: "reviewed_on", Label: "Date of review", Hint: "Only if you reviewed it. For example, 27 3 2026", Form: f}
	p.AssetTag = textInput{Name: "asset_tag", Label: "Asset tag (optional)", Hint: "The unit's tag, if your borough tags its stock. A returned unit can be issued again.", Width: "app-input--width-10", Form: f}
	p.Reasons = radios{Name: "removal_reason", Label: "Reason for removal", Form: f, Options: options(devices.RemovalReasons())}
	title := "Issue a device"
	if p.Issue == nil {
		staff, err := s.db.BoroughStaff(c.Request.Context())
		if err != nil {
			return err
		}
		for _, u := range staff {
			p.Staff = append(p.Staff, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Email})
		}
	}
	if p.Issue != nil {
		title = "Device issued " + formatDay(p.Issue.IssuedOn, "2 January 2006")
	}
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "device_issue", pageData{Title: title, Data: p})
	return nil
}

// newIssuePage is the form to issue a device to a resident.
func (s *Server) newIssuePage(c *gin.Context) error {
	rec, err := s.pathResident(c)
	if err != nil {
		return err
	}
	f := newForm()
	f.setDate("issued_on", ateval.DateOf(s.db.Now()))
	// The form's submission token: submitted twice (a double click, a
	// reload), it records one issue.
	f.Values["submission"] = newToken()
	if u := currentUser(c); u != nil {
		f.Values["issued_by"] = strconv.FormatInt(u.ID, 10)
	}
	return s.renderIssuePage(c, http.StatusOK, issuePage{Form: f, Resident: rec.Resident})
}

// issueDeviceForm records the issue.
func (s *Server) issueDeviceForm(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	f := newForm()
	var bad []ateval.FieldError
	key := f.text(c, "submission")
	di := devices.DeviceIssue{AssetTag: f.text(c, "asset_tag"), Need: f.text(c, "need")}
	if v := f.text(c, "device_id"); v != "" {
		di.DeviceID, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := f.text(c, "issued_by"); v != "" {
		if di.IssuedByID, _ = strconv.ParseInt(v, 10, 64); di.IssuedByID <= 0 {
			bad = append(bad, ateval.FieldError{Field: "issued_by", Message: "must be chosen from the list of your borough's staff"})
		}
	}
	if di.DeviceID == 0 {
		bad = append(bad, ateval.FieldError{Field: "device_id", Message: "must be chosen from the catalogue"})
	}
	for _, p := range []struct {
		name string
		to   *ateval.Date
	}{{"issued_on", &di.IssuedOn}, {"installed_on", &di.InstalledOn}} {
		d, fe := f.date(c, p.name)
		if fe != nil {
			bad = append(bad, *fe)
		}
		*p.to = d
	}
	if di.IssuedOn.IsZero() && f.E("issued_on") == "" && !hasField(bad, "issued_on") {
		bad = append(bad, ateval.FieldError{Field: "issued_on", Message: "is required"})
	}
	err = ateval.Invalid("The device issue is not valid.", bad)
	if len(bad) == 0 {
		_, err = s.db.IssueDeviceOnce(c.Request.Context(), id, key, &di)
	}
	if code := ateval.ErrorCode(err); code == ateval.EINVALID || code == ateval.ECONFLICT {
		rec, rerr := s.db.ResidentRecord(c.Request.Context(), id)
		if rerr != nil {
			return rerr
		}
		if code == ateval.ECONFLICT {
			// The form already recorded an issue, and now asks for another:
			// a new form, with a new token, for the new issue.
			err = errFormUsed
			f.Values["submission"] = newToken()
		}
		if f.V("submission") == "" {
			f.Values["submission"] = newToken()
		}
		failIssue(f, err)
		return s.renderIssuePage(c, statusOf(code), issuePage{Form: f, Resident: rec.Resident})
	} else if err != nil {
		return err
	}
	// A repeat of the form lands where the first did: the issue is
	// recorded, once.
	c.Redirect(http.StatusSeeOther, residentPath(id)+"?notice=device-issued#devices")
	return nil
}

// errFormUsed is the issue form's answer when it was sent before and
// recorded an issue, and is now sent again with different answers.
var errFormUsed = ateval.Errorf(ateval.ECONFLICT, "This form has already recorded a device issue for this resident; check the resident's devices before issuing another. To issue another, send this form again.")

func hasField(fs []ateval.FieldError, name string) bool {
	for _, f := range fs {
		if f.Field == name {
			return true
		}
	}
	return false
}

// deviceIssuePage shows one device issue with the forms to record its
// installation, a review, or its removal.
func (s *Server) deviceIssuePage(c *gin.Context) error {
	id, err := issueIDParam(c)
	if err != nil {
		return err
	}
	di, res, err := s.db.DeviceIssue(c.Request.Context(), id)
	if err != nil {
		return err
	}
	f := newForm()
	f.setDate("installed_on", di.InstalledOn)
	f.setDate("removed_on", di.RemovedOn)
	f.Values["removal_reason"], f.Values["removal_note"], f.Values["asset_tag"] = string(di.RemovalReason), di.RemovalNote, di.AssetTag
	return s.renderIssuePage(c, http.StatusOK, issuePage{Form: f, Resident: res, Issue: &di})
}

// updateIssueForm records an installation, a review or a removal.
func (s *Server) updateIssueForm(c *gin.Context) error {
	id, err := issueIDParam(c)
	if err != nil {
		return err
	}
	f := newForm()
	var bad []ateval.FieldError
	date := func(name string) ateval.Date {
		d, fe := f.date(c, name)
		if fe != nil {
			bad = append(bad, *fe)
		}
		return d
	}
	var p devices.DeviceIssuePatch
	if d := date("installed_on"); !d.IsZero() {
		p.InstalledOn = &d
	}
	removed, reason, note := date("removed_on"), devices.RemovalReason(f.text(c, "removal_reason")), f.text(c, "removal_note")
	if !removed.IsZero() || reason != "" {
		p.RemovedOn, p.RemovalReason, p.RemovalNote = &removed, &reason, &note
	}
	if d := date("reviewed_on"); !d.IsZero() {
		p.Review = &devices.Review{On: d, Note: f.text(c, "review_note")}
	}
	tag := f.text(c, "asset_tag")
	p.AssetTag = &tag
	err = ateval.Invalid("The device issue is not valid.", bad)
	var got devices.DeviceIssue
	if len(bad) == 0 {
		got, err = s.db.UpdateDeviceIssue(c.Request.Context(), id, p)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		di, res, rerr := s.db.DeviceIssue(c.Request.Context(), id)
		if rerr != nil {
			return rerr
		}
		failIssue(f, err)
		return s.renderIssuePage(c, http.StatusUnprocessableEntity, issuePage{Form: f, Resident: res, Issue: &di})
	} else if err != nil {
		return err
	}
	n := "device-updated"
	if p.RemovedOn != nil {
		n = "device-removed"
	}
	c.Redirect(http.StatusSeeOther, residentPath(got.ResidentID)+"?notice="+n+"#devices")
	return nil
}
