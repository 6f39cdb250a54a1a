package devices

import (
	"regexp"
	"strings"

	"github.com/ateval/ateval"
)

// Sex as recorded for analysis.
type Sex string

const (
	Female       Sex = "female"
	Male         Sex = "male"
	SexOther     Sex = "other"
	SexNotStated Sex = "not_stated"
)

// EthnicGroup is the ONS 2021 Census high-level ethnic group.
type EthnicGroup string

const (
	EthnicAsian     EthnicGroup = "asian"
	EthnicBlack     EthnicGroup = "black"
	EthnicMixed     EthnicGroup = "mixed"
	EthnicWhite     EthnicGroup = "white"
	EthnicOther     EthnicGroup = "other"
	EthnicNotStated EthnicGroup = "not_stated"
)

// SupportReason is the primary support reason of the adult social care
// client level data (CLD) return.
type SupportReason string

const (
	SupportPhysical           SupportReason = "physical"
	SupportSensory            SupportReason = "sensory"
	SupportMemoryCognition    SupportReason = "memory_cognition"
	SupportLearningDisability SupportReason = "learning_disability"
	SupportMentalHealth       SupportReason = "mental_health"
	SupportSocial             SupportReason = "social"
	SupportNone               SupportReason = "none"
)

// Group is the resident's arm of the evaluation.
type Group string

const (
	// Intervention residents are enrolled when a device is issued.
	Intervention Group = "intervention"
	// Comparison residents are on usual care or a waiting list, enrolled
	// when assessed.
	Comparison Group = "comparison"
)

// Sexes, EthnicGroups, SupportReasons and Groups list the allowed codes.
func Sexes() []Sex { return []Sex{Female, Male, SexOther, SexNotStated} }

// EthnicGroups lists the allowed ethnic group codes.
func EthnicGroups() []EthnicGroup {
	return []EthnicGroup{EthnicAsian, EthnicBlack, EthnicMixed, EthnicWhite, EthnicOther, EthnicNotStated}
}

// SupportReasons lists the allowed primary support reasons.
func SupportReasons() []SupportReason {
	return []SupportReason{SupportPhysical, SupportSensory, SupportMemoryCognition, SupportLearningDisability, SupportMentalHealth, SupportSocial, SupportNone}
}

// Groups lists the evaluation arms.
func Groups() []Group { return []Group{Intervention, Comparison} }

// Resident is a person receiving care in one borough: the fields analysis
// needs, and nothing that identifies them. Direct identifiers live apart,
// in Identity.
type Resident struct {
	ID        int64 `json:"id"`
	BoroughID int64 `json:"borough_id"`
	// Reference is the borough's own reference for the resident (its case
	// management system's id), unique within the borough.
	Reference            string        `json:"reference"`
	YearOfBirth          int           `json:"year_of_birth"`
	Sex                  Sex           `json:"sex"`
	EthnicGroup          EthnicGroup   `json:"ethnic_group"`
	LivingAlone          bool          `json:"living_alone"`
	PrimarySupportReason SupportReason `json:"primary_support_reason"`
	RegisteredOn         ateval.Date   `json:"registered_on"`
	// Group and EnrolledOn place the resident in the evaluation; the zero
	// EnrolledOn means not enrolled. Follow-ups are scheduled from EnrolledOn.
	Group      Group       `json:"group,omitempty"`
	EnrolledOn ateval.Date `json:"enrolled_on"`
	// ObjectedOn records an objection to the use of the resident's data for
	// evaluation: from then on they are left out of pooling and exports,
	// and kept for their care.
	ObjectedOn ateval.Date `json:"objected_on"`
}

// Identity holds a resident's direct identifiers. Only the resident's own
// record view reads it; no analysis, report or export does.
type Identity struct {
	ResidentID  int64       `json:"-"`
	GivenName   string      `json:"given_name"`
	FamilyName  string      `json:"family_name"`
	NHSNumber   string      `json:"nhs_number"`
	Address     string      `json:"address"`
	Postcode    string      `json:"postcode"`
	DateOfBirth ateval.Date `json:"date_of_birth"`
}

var referenceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$`)

// Validate checks the resident's fields, naming each bad one. today bounds
// dates that cannot lie in the future.
func (r *Resident) Validate(today ateval.Date) error {
	var errs []ateval.FieldError
	add := func(f, m string) { errs = append(errs, ateval.FieldError{Field: f, Message: m}) }
	if !referenceRE.MatchString(r.Reference) {
		add("reference", "must be 1 to 40 letters, digits, dots, hyphens, slashes or underscores")
	}
	if y := today.Year(); r.YearOfBirth < y-115 || r.YearOfBirth > y {
		add("year_of_birth", "must be a year between "+itoa(today.Year()-115)+" and "+itoa(today.Year()))
	}
	if !oneOf(r.Sex, Sexes()) {
		add("sex", "must be one of "+join(Sexes()))
	}
	if !oneOf(r.EthnicGroup, EthnicGroups()) {
		add("ethnic_group", "must be one of "+join(EthnicGroups()))
	}
	if !oneOf(r.PrimarySupportReason, SupportReasons()) {
		add("primary_support_reason", "must be one of "+join(SupportReasons()))
	}
	if r.RegisteredOn.IsZero() {
		add("registered_on", "is required")
	} else if r.RegisteredOn.After(today) {
		add("registered_on", "cannot be in the future")
	}
	switch {
	case r.Group == "" && !r.EnrolledOn.IsZero():
		add("group", "is required when the resident is enrolled")
	case r.Group != "" && !oneOf(r.Group, Groups()):
		add("group", "must be one of "+join(Groups()))
	case r.Group != "" && r.EnrolledOn.IsZero():
		add("enrolled_on", "is required when a group is given")
	case !r.EnrolledOn.IsZero() && r.EnrolledOn.Before(r.RegisteredOn):
		add("enrolled_on", "cannot be before the resident was registered ("+r.RegisteredOn.String()+")")
	case r.EnrolledOn.After(today):
		add("enrolled_on", "cannot be in the future")
	}
	if !r.ObjectedOn.IsZero() && r.ObjectedOn.After(today) {
		add("objected_on", "cannot be in the future")
	}
	if len(errs) > 0 {
		return ateval.Invalid("The resident's record is not valid.", errs)
	}
	return nil
}

// Enrolled reports whether the resident is in the evaluation.
func (r *Resident) Enrolled() bool { return !r.EnrolledOn.IsZero() }

// InEvaluation reports whether the resident's data may be used for pooling
// and exports: enrolled, and no objection recorded.
func (r *Resident) InEvaluation() bool { return r.Enrolled() && r.ObjectedOn.IsZero() }

// Withdrawal is an objection a resident withdrew: from WithdrawnOn their
// data may be used for evaluation again. The objection is kept with it.
type Withdrawal struct {
	ObjectedOn  ateval.Date `json:"objected_on"`
	WithdrawnOn ateval.Date `json:"withdrawn_on"`
}

// Validate checks the withdrawal of the resident's objection: there is
// one to withdraw, and it is withdrawn on a day from the objection's to
// today.
func (w *Withdrawal) Validate(today ateval.Date) error {
	var msg string
	switch {
	case w.ObjectedOn.IsZero():
		msg = "cannot be recorded: the resident has no objection to withdraw"
	case w.WithdrawnOn.IsZero():
		msg = "is required"
	case w.WithdrawnOn.Before(w.ObjectedOn):
		msg = "cannot be before the objection was made (" + w.ObjectedOn.String() + ")"
	case w.WithdrawnOn.After(today):
		msg = "cannot be in the future"
	default:
		return nil
	}
	return ateval.Invalid("The withdrawal of the objection is not valid.", []ateval.FieldError{{Field: "withdrawn_on", Message: msg}})
}

var postcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`)

// Validate checks the identifiers: an NHS number, if given, must pass its
// modulus 11 check; a postcode must look like one.
func (id *Identity) Validate(today ateval.Date) error {
	var errs []ateval.FieldError
	errs = append(errs, ateval.Line(100).Check("given_name", id.GivenName)...)
	errs = append(errs, ateval.Line(100).Check("family_name", id.FamilyName)...)
	errs = append(errs, ateval.Lines(500).Check("address", id.Address)...)
	if id.NHSNumber != "" && !ValidNHSNumber(id.NHSNumber) {
		errs = append(errs, ateval.FieldError{Field: "nhs_number", Message: "is not a valid NHS number (10 digits with a modulus 11 check digit)"})
	}
	if id.Postcode != "" && !postcodeRE.MatchString(strings.ToUpper(strings.TrimSpace(id.Postcode))) {
		errs = append(errs, ateval.FieldError{Field: "postcode", Message: "is not a UK postcode"})
	}
	if !id.DateOfBirth.IsZero() && id.DateOfBirth.After(today) {
		errs = append(errs, ateval.FieldError{Field: "date_of_birth", Message: "cannot be in the future"})
	}
	if len(errs) > 0 {
		return ateval.Invalid("The resident's identifiers are not valid.", errs)
	}
	return nil
}

// ValidNHSNumber reports whether s is ten digits (spaces allowed) whose last
// digit is the modulus 11 check of the first nine, per the NHS Data
// Dictionary.
func ValidNHSNumber(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 9 {
			sum += int(s[i]-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(s[9]-'0')
}
