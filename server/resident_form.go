package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// residentLabels name the resident form's fields in error messages.
func residentLabels() map[string]string {
	return map[string]string{
		"reference": "Reference", "year_of_birth": "Year of birth", "sex": "Sex", "ethnic_group": "Ethnic group",
		"living_alone": "Lives alone", "primary_support_reason": "Primary support reason", "registered_on": "Date registered",
		"group": "Group", "enrolled_on": "Date enrolled", "objected_on": "Date of objection", "given_name": "Given name",
		"family_name": "Family name", "nhs_number": "NHS number", "address": "Address", "postcode": "Postcode", "date_of_birth": "Date of birth",
	}
}

// residentOrder lists the form's fields in the order the page shows them,
// for the error summary.
func residentOrder() []string {
	return []string{"reference", "year_of_birth", "sex", "ethnic_group", "living_alone", "primary_support_reason", "registered_on",
		"group", "enrolled_on", "given_name", "family_name", "nhs_number", "address", "postcode", "date_of_birth", "objected_on"}
}

// residentChoices are the messages of the form's choices left unmade.
func residentChoices() map[string]string {
	return map[string]string{"sex": "Select the resident's sex", "ethnic_group": "Select the resident's ethnic group",
		"living_alone": "Select whether the resident lives alone", "primary_support_reason": "Select the resident's primary support reason",
		"group": "Select the evaluation group"}
}

// failResident shows a refused record's errors on the form, in page order.
func failResident(f *form, err error) {
	f.fail(err, residentLabels(), residentDates()...)
	f.choose(residentChoices())
	f.inPageOrder(residentOrder()...)
}

// residentDates are the form's date inputs.
func residentDates() []string {
	return []string{"registered_on", "enrolled_on", "objected_on", "date_of_birth"}
}

// residentFormPage is the register and edit form's data.
type residentFormPage struct {
	Form     *form
	Resident *devices.Resident // nil when registering
	Action   string
	Fields   residentFields
}

// residentFields are the form's controls.
type residentFields struct {
	Reference, YearOfBirth, GivenName, FamilyName, NHSNumber, Postcode textInput
	Sex, EthnicGroup, LivingAlone, SupportReason, Group                radios
	RegisteredOn, EnrolledOn, DateOfBirth, ObjectedOn                  dateInput
}

func newResidentFields(f *form) residentFields {
	return residentFields{
		Reference:     textInput{Name: "reference", Label: "Reference", Hint: "Your borough's reference for the resident, from its case management system", Width: "app-input--width-10", Form: f},
		YearOfBirth:   textInput{Name: "year_of_birth", Label: "Year of birth", Width: "app-input--width-4", Numeric: true, Form: f},
		GivenName:     textInput{Name: "given_name", Label: "Given name (optional)", Width: "app-input--width-20", Form: f},
		FamilyName:    textInput{Name: "family_name", Label: "Family name (optional)", Width: "app-input--width-20", Form: f},
		NHSNumber:     textInput{Name: "nhs_number", Label: "NHS number (optional)", Hint: "10 digits, such as 943 476 5919", Width: "app-input--width-10", Numeric: true, Form: f},
		Postcode:      textInput{Name: "postcode", Label: "Postcode (optional)", Width: "app-input--width-10", Form: f},
		Sex:           radios{Name: "sex", Label: "Sex", Inline: true, Form: f, Options: options(devices.Sexes())},
		EthnicGroup:   radios{Name: "ethnic_group", Label: "Ethnic group", Hint: "As in the 2021 Census", Form: f, Options: options(devices.EthnicGroups())},
		LivingAlone:   radios{Name: "living_alone", Label: "Does the resident live alone?", Inline: true, Form: f, Options: []option{{"yes", "Yes"}, {"no", "No"}}},
		SupportReason: radios{Name: "primary_support_reason", Label: "Primary support reason", Form: f, Options: options(devices.SupportReasons())},
		Group: radios{Name: "group", Label: "Evaluation group", Hint: "Intervention residents are enrolled when a device is issued; comparison residents (usual care or a waiting list) when first assessed", Form: f,
			Options: append([]option{{"", devices.Group("").Label()}}, options(devices.Groups())...)},
		RegisteredOn: dateInput{Name: "registered_on", Label: "Date registered", Form: f},
		EnrolledOn:   dateInput{Name: "enrolled_on", Label: "Date enrolled in the evaluation", Hint: "Leave empty if not enrolled. For example, 27 3 2026", Form: f},
		DateOfBirth:  dateInput{Name: "date_of_birth", Label: "Date of birth (optional)", Form: f},
		ObjectedOn:   dateInput{Name: "objected_on", Label: "Date the resident objected to the use of their data for evaluation", Hint: "Only if they have objected. From then on they are left out of pooling and exports, and no evaluation questionnaire is due; their care record is kept.", Form: f},
	}
}

// residentFromForm reads the form into a resident and identifiers; date
// fields that are not real dates are returned as field errors.
func residentFromForm(c *gin.Context, f *form) (devices.Resident, devices.Identity, []ateval.FieldError) {
	var bad []ateval.FieldError
	date := func(name string) ateval.Date {
		d, fe := f.date(c, name)
		if fe != nil {
			bad = append(bad, *fe)
		}
		return d
	}
	r := devices.Resident{Reference: f.text(c, "reference"), Sex: devices.Sex(f.text(c, "sex")), EthnicGroup: devices.EthnicGroup(f.text(c, "ethnic_group")),
		PrimarySupportReason: devices.SupportReason(f.text(c, "primary_support_reason")), Group: devices.Group(f.text(c, "group"))}
	if y := f.text(c, "year_of_birth"); y != "" {
		if v, err := strconv.Atoi(y); err == nil {
			r.YearOfBirth = v
		} else {
			bad = append(bad, ateval.FieldError{Field: "year_of_birth", Message: "must be a year, such as 1942"})
		}
	}
	switch f.text(c, "living_alone") {
	case "yes":
		r.LivingAlone = true
	case "no":
	default:
		bad = append(bad, ateval.FieldError{Field: "living_alone", Message: "must be answered yes or no"})
	}
	r.RegisteredOn, r.EnrolledOn, r.ObjectedOn = date("registered_on"), date("enrolled_on"), date("objected_on")
	id := devices.Identity{GivenName: f.text(c, "given_name"), FamilyName: f.text(c, "family_name"), NHSNumber: f.text(c, "nhs_number"),
		Address: f.text(c, "address"), Postcode: f.text(c, "postcode"), DateOfBirth: date("date_of_birth")}
	return r, id, bad
}

func (s *Server) renderResidentForm(c *gin.Context, status int, title string, p residentFormPage) {
	p.Fields = newResidentFields(p.Form)
	if len(p.Form.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "resident_form", pageData{Title: title, Data: p})
}

// newResidentPage is the form to register a resident.
func (s *Server) newResidentPage(c *gin.Context) error {
	f := newForm()
	f.setDate("registered_on", ateval.DateOf(s.db.Now()))
	s.renderResidentForm(c, http.StatusOK, "Register a resident", residentFormPage{Form: f, Action: "/residents"})
	return nil
}

// createResidentForm registers a resident from the form.
func (s *Server) createResidentForm(c *gin.Context) error {
	f := newForm()
	r, id, bad := residentFromForm(c, f)
	err := error(ateval.Invalid("The resident's record is not valid.", withRuleErrors(bad, &r, &id, ateval.DateOf(s.db.Now()))))
	if len(bad) == 0 {
		err = s.db.CreateResident(c.Request.Context(), &r, &id)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		failResident(f, err)
		s.renderResidentForm(c, http.StatusUnprocessableEntity, "Register a resident", residentFormPage{Form: f, Action: "/residents"})
		return nil
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, residentPath(r.ID)+"?notice=resident-registered")
	return nil
}

// editResidentPage is the form to change a resident's record, enrol them
// or record their objection.
func (s *Server) editResidentPage(c *gin.Context) error {
	rec, err := s.pathResident(c)
	if err != nil {
		return err
	}
	f := newForm()
	r := rec.Resident
	f.Values["reference"], f.Values["year_of_birth"] = r.Reference, strconv.Itoa(r.YearOfBirth)
	f.Values["sex"], f.Values["ethnic_group"], f.Values["primary_support_reason"], f.Values["group"] = string(r.Sex), string(r.EthnicGroup), string(r.PrimarySupportReason), string(r.Group)
	f.Values["living_alone"] = "no"
	if r.LivingAlone {
		f.Values["living_alone"] = "yes"
	}
	f.setDate("registered_on", r.RegisteredOn)
	f.setDate("enrolled_on", r.EnrolledOn)
	f.setDate("objected_on", r.ObjectedOn)
	if ident := rec.Identity; ident != nil {
		f.Values["given_name"], f.Values["family_name"], f.Values["nhs_number"] = ident.GivenName, ident.FamilyName, devices.FormatNHSNumber(ident.NHSNumber)
		f.Values["address"], f.Values["postcode"] = ident.Address, ident.Postcode
		f.setDate("date_of_birth", ident.DateOfBirth)
	}
	s.renderResidentForm(c, http.StatusOK, "Change resident "+r.Reference, residentFormPage{Form: f, Resident: &r, Action: residentPath(r.ID)})
	return nil
}

// updateResidentForm saves the edit form.
func (s *Server) updateResidentForm(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	f := newForm()
	r, ident, bad := residentFromForm(c, f)
	p := devices.ResidentPatch{Reference: &r.Reference, YearOfBirth: &r.YearOfBirth, Sex: &r.Sex, EthnicGroup: &r.EthnicGroup,
		LivingAlone: &r.LivingAlone, PrimarySupportReason: &r.PrimarySupportReason, RegisteredOn: &r.RegisteredOn,
		Group: &r.Group, EnrolledOn: &r.EnrolledOn, Identity: &ident}
	if !r.ObjectedOn.IsZero() {
		p.ObjectedOn = &r.ObjectedOn
	}
	// Read first, so another borough's id is not found whatever the form.
	before, err := s.db.ResidentRecord(c.Request.Context(), id)
	if err != nil {
		return err
	}
	err = ateval.Invalid("The resident's record is not valid.", withRuleErrors(bad, &r, &ident, ateval.DateOf(s.db.Now())))
	if len(bad) == 0 {
		_, err = s.db.UpdateResident(c.Request.Context(), id, p)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		failResident(f, err)
		rec := devices.Resident{ID: id, Reference: r.Reference, ObjectedOn: before.Resident.ObjectedOn}
		s.renderResidentForm(c, http.StatusUnprocessableEntity, "Change resident", residentFormPage{Form: f, Resident: &rec, Action: residentPath(id)})
		return nil
	} else if err != nil {
		return err
	}
	n := "resident-updated"
	if before.Resident.ObjectedOn.IsZero() && !r.ObjectedOn.IsZero() {
		n = "objection-recorded"
	}
	c.Redirect(http.StatusSeeOther, residentPath(id)+"?notice="+n)
	return nil
}

// withRuleErrors adds, to the form's own errors (dates that are not
// dates), what the resident's rules say of the rest, so that one
// submission shows every problem. Storage checks again when it saves.
func withRuleErrors(bad []ateval.FieldError, r *devices.Resident, id *devices.Identity, today ateval.Date) []ateval.FieldError {
	if len(bad) == 0 {
		return nil
	}
	bad = append(bad, ateval.ErrorFields(r.Validate(today))...)
	return append(bad, ateval.ErrorFields(id.Validate(today))...)
}
