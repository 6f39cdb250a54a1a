package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// rowErrors collects what is wrong with one row, field by field.
type rowErrors []ateval.FieldError

func (e *rowErrors) add(field, format string, args ...any) {
	*e = append(*e, ateval.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// addErr adds every field error of err (an *ateval.Error from a domain
// Validate) or err's text under field.
func (e *rowErrors) addErr(field string, err error) {
	if fs := ateval.ErrorFields(err); len(fs) > 0 {
		for _, f := range fs {
			name := f.Field
			if field != "" {
				name = field + ": " + f.Field
			}
			*e = append(*e, ateval.FieldError{Field: name, Message: f.Message})
		}
		return
	}
	e.add(field, "%s", ateval.ErrorMessage(err))
}

func (t *table) date(errs *rowErrors, col string) ateval.Date {
	d, err := ateval.ParseDate(t.get(col))
	if err != nil {
		errs.add(col, "%v", err)
	}
	return d
}

func (t *table) int64(errs *rowErrors, col string) int64 {
	s := t.get(col)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		errs.add(col, "%q is not a whole number", s)
	}
	return n
}

func (t *table) bool(errs *rowErrors, col string) bool {
	switch strings.ToLower(t.get(col)) {
	case "true", "yes", "1", "y":
		return true
	case "false", "no", "0", "n", "":
		return false
	}
	errs.add(col, "%q is not true or false", t.get(col))
	return false
}

func (t *table) required(errs *rowErrors, cols ...string) {
	for _, c := range cols {
		if t.get(c) == "" {
			errs.add(c, "is required")
		}
	}
}

func (t *table) borough(errs *rowErrors) ateval.Borough {
	b := ateval.Borough{Slug: t.get("borough"), Name: t.get("name"), GSSCode: t.get("gss_code")}
	if err := b.Validate(); err != nil {
		for _, f := range ateval.ErrorFields(err) {
			if f.Field == "slug" {
				f.Field = "borough"
			}
			errs.add(f.Field, "%s", f.Message)
		}
	}
	return b
}

func (t *table) device(errs *rowErrors) devices.Device {
	return devices.Device{
		Code: t.get("device"), Category: t.get("category"), Product: t.get("product"), Supplier: t.get("supplier"),
		UnitCostPence: t.int64(errs, "unit_cost_pence"), WeeklyMonitoringPence: t.int64(errs, "weekly_monitoring_pence"),
		Monitored: t.bool(errs, "monitored"), GenerationTier: t.get("generation_tier"),
	}
}

func (t *table) resident(errs *rowErrors) (devices.Resident, devices.Identity) {
	t.required(errs, "resident_ref")
	yob, err := strconv.Atoi(t.get("year_of_birth"))
	if err != nil {
		errs.add("year_of_birth", "%q is not a year", t.get("year_of_birth"))
	}
	r := devices.Resident{
		Reference: t.get("resident_ref"), YearOfBirth: yob, Sex: devices.Sex(t.get("sex")),
		EthnicGroup: devices.EthnicGroup(t.get("ethnic_group")), LivingAlone: t.bool(errs, "living_alone"),
		PrimarySupportReason: devices.SupportReason(t.get("primary_support_reason")),
		RegisteredOn:         t.date(errs, "registered_on"), Group: devices.Group(t.get("group")),
		EnrolledOn: t.date(errs, "enrolled_on"), ObjectedOn: t.date(errs, "objected_on"),
	}
	id := devices.Identity{
		GivenName: t.get("given_name"), FamilyName: t.get("family_name"), NHSNumber: t.get("nhs_number"),
		Address: t.get("address"), Postcode: t.get("postcode"), DateOfBirth: t.date(errs, "date_of_birth"),
	}
	return r, id
}

// deviceIssue reads a device issue. Who issued it can only be text here
// (issued_by_text): an import is the operator's, who cannot vouch for an
// account, and it is shown as recorded, never taken for one.
func (t *table) deviceIssue(errs *rowErrors) devices.DeviceIssue {
	return devices.DeviceIssue{
		IssuedOn: t.date(errs, "issued_on"), InstalledOn: t.date(errs, "installed_on"), RemovedOn: t.date(errs, "removed_on"),
		RemovalReason: devices.RemovalReason(t.get("removal_reason")), RemovalNote: t.get("removal_note"),
		IssuedByText: t.get("issued_by_text"),
	}
}

func (t *table) assessment(errs *rowErrors) forms.Assessment {
	a := forms.Assessment{
		Instrument: t.get("instrument"), Timepoint: forms.Timepoint(t.get("timepoint")),
		AssessedOn: t.date(errs, "assessed_on"), Respondent: forms.Respondent(t.get("respondent")),
		FrameworkVersion: t.get("framework_version"),
	}
	// Whether the assessment may be recorded is forms.CheckAssessment's
	// to say, as for the web (see loader.assessment).
	answers, err := forms.ParseAnswers(t.get("answers"))
	if err != nil {
		errs.add("answers", "%s", ateval.ErrorMessage(err))
	}
	a.Answers = answers
	return a
}
