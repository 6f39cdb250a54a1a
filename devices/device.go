package devices

import (
	"regexp"
	"strings"

	"github.com/ateval/ateval"
)

// Category is a kind of assistive technology, from the common taxonomy.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ISO9999 is the class in ISO 9999:2022 (Assistive products:
	// classification and terminology), where one fits; "" where unknown.
	ISO9999 string `json:"iso9999,omitempty"`
}

// Categories returns the starting taxonomy of FRAMEWORK.md. An
// administrator may add more; these ids never change.
//
// ISO 9999 classes are left empty until checked against the standard's
// own text (ISO 9999:2022 is sold, not published openly, and no public
// copy of its class list could be verified); an administrator who holds
// it can set them.
func Categories() []Category {
	return []Category{
		{"community-alarm", "Community alarm (pendant or wrist, pull cord, base unit)", ""},
		{"fall-detector", "Fall detector", ""},
		{"environmental-sensor", "Environmental sensor (smoke, heat, CO, gas, flood, temperature)", ""},
		{"door-exit-sensor", "Door or exit sensor", ""},
		{"bed-chair-sensor", "Bed or chair occupancy sensor", ""},
		{"activity-monitoring", "Activity monitoring", ""},
		{"medication-dispenser", "Medication reminder or dispenser", ""},
		{"epilepsy-monitor", "Epilepsy monitor", ""},
		{"gps-location", "GPS or location device", ""},
		{"voice-assistant", "Voice assistant or smart speaker", ""},
		{"video-carephone", "Video carephone or tablet", ""},
		{"vital-signs-monitoring", "Respiratory or vital-signs self-monitoring", ""},
	}
}

// Device is a product in the catalogue, shared across boroughs so that a
// commissioner can see who uses what and what they pay.
type Device struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"` // stable key in CSV files, such as "pendant-alarm-a"
	Category string `json:"category"`
	Product  string `json:"product"`
	Supplier string `json:"supplier"`
	// Costs are in pence, so sums are exact.
	UnitCostPence         int64  `json:"unit_cost_pence"`
	WeeklyMonitoringPence int64  `json:"weekly_monitoring_pence"`
	Monitored             bool   `json:"monitored"`                 // answered by an alarm receiving centre
	GenerationTier        string `json:"generation_tier,omitempty"` // "analogue", "digital", ...
}

var (
	codeRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	assetTagRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$`)
	iso9999RE  = regexp.MustCompile(`^[0-9]{2}( [0-9]{2}){0,2}$`)
)

// Validate checks the device against the known categories.
func (d *Device) Validate(categories []Category) error {
	var errs []ateval.FieldError
	add := func(f, m string) { errs = append(errs, ateval.FieldError{Field: f, Message: m}) }
	if !codeRE.MatchString(d.Code) {
		add("code", "must be lower-case letters and digits joined by hyphens")
	}
	known := false
	ids := make([]string, len(categories))
	for i, c := range categories {
		ids[i] = c.ID
		known = known || c.ID == d.Category
	}
	if !known {
		add("category", "must be one of "+strings.Join(ids, ", "))
	}
	if strings.TrimSpace(d.Product) == "" {
		add("product", "is required")
	}
	errs = append(errs, ateval.Line(200).Check("product", d.Product)...)
	errs = append(errs, ateval.Line(200).Check("supplier", d.Supplier)...)
	errs = append(errs, ateval.Line(50).Check("generation_tier", d.GenerationTier)...)
	if d.UnitCostPence < 0 {
		add("unit_cost_pence", "cannot be negative")
	}
	if d.WeeklyMonitoringPence < 0 {
		add("weekly_monitoring_pence", "cannot be negative")
	}
	if len(errs) > 0 {
		return ateval.Invalid("The device is not valid.", errs)
	}
	return nil
}

// RemovalReason says why a device came back.
type RemovalReason string

const (
	RemovedNoLongerNeeded  RemovalReason = "no_longer_needed"
	RemovedAbandoned       RemovalReason = "abandoned"
	RemovedFaulty          RemovalReason = "faulty"
	RemovedMoved           RemovalReason = "moved"
	RemovedResidentialCare RemovalReason = "residential_care"
	RemovedDied            RemovalReason = "died"
	RemovedOther           RemovalReason = "other"
)

// RemovalReasons lists the fixed reasons.
func RemovalReasons() []RemovalReason {
	return []RemovalReason{RemovedNoLongerNeeded, RemovedAbandoned, RemovedFaulty, RemovedMoved, RemovedResidentialCare, RemovedDied, RemovedOther}
}

// DeviceIssue is one device given to one resident: the exposure whose
// effect the evaluation measures.
type DeviceIssue struct {
	ID            int64         `json:"id"`
	ResidentID    int64         `json:"resident_id"`
	DeviceID      int64         `json:"device_id"`
	IssuedOn      ateval.Date   `json:"issued_on"`
	InstalledOn   ateval.Date   `json:"installed_on"`
	RemovedOn     ateval.Date   `json:"removed_on"`
	RemovalReason RemovalReason `json:"removal_reason,omitempty"`
	// RemovalNote explains RemovedOther. Free text: never exported.
	RemovalNote string `json:"removal_note,omitempty"`
	// AssetTag identifies one physical unit of the borough's stock, if
	// the borough tags them: a unit returned can be issued again, but is
	// never with two residents at once.
	AssetTag string `json:"asset_tag,omitempty"`
	// IssuedByID is the member of staff who issued it: a practitioner or
	// borough lead of the resident's borough (storage checks it), by
	// default the user who records the issue. 0 when no account is named.
	IssuedByID int64 `json:"issued_by_id,omitempty"`
	// IssuedBy is that account's email, for display; storage fills it in
	// from the account.
	IssuedBy string `json:"issued_by,omitempty"`
	// IssuedByText is who issued it as free text, shown as recorded and
	// never taken for an account: what was typed before issues named
	// accounts, or an import's issued_by_text column.
	IssuedByText string `json:"issued_by_text,omitempty"`
	// Need is the need it meets. Free text, for the resident's care:
	// never exported.
	Need string `json:"need,omitempty"`
	// Reviews are the checks made since issue, oldest first.
	Reviews []Review `json:"reviews,omitempty"`
}

// Review is one check that an issued device still meets the need.
type Review struct {
	On   ateval.Date `json:"on"`
	Note string      `json:"note,omitempty"` // free text: never exported
}

// NoteText is the rule of a practitioner's free-text note about a device
// issue (the need it meets, a review's finding, why it came back).
var NoteText = ateval.Lines(1000)

// Validate checks that the dates make sense: issued on or after the
// resident's registration, installed and removed on or after issue, and
// a removal reason with every removal.
func (di *DeviceIssue) Validate(registeredOn, today ateval.Date) error {
	var errs []ateval.FieldError
	add := func(f, m string) { errs = append(errs, ateval.FieldError{Field: f, Message: m}) }
	switch {
	case di.IssuedOn.IsZero():
		add("issued_on", "is required")
	case di.IssuedOn.After(today):
		add("issued_on", "cannot be in the future")
	case !registeredOn.IsZero() && di.IssuedOn.Before(registeredOn):
		add("issued_on", "cannot be before the resident was registered ("+registeredOn.String()+")")
	}
	if !di.InstalledOn.IsZero() {
		if di.InstalledOn.Before(di.IssuedOn) {
			add("installed_on", "cannot be before the device was issued ("+di.IssuedOn.String()+")")
		} else if di.InstalledOn.After(today) {
			add("installed_on", "cannot be in the future")
		}
	}
	if !di.RemovedOn.IsZero() {
		switch {
		case di.RemovedOn.Before(di.IssuedOn):
			add("removed_on", "cannot be before the device was issued ("+di.IssuedOn.String()+")")
		case !di.InstalledOn.IsZero() && di.RemovedOn.Before(di.InstalledOn):
			add("removed_on", "cannot be before the device was installed ("+di.InstalledOn.String()+")")
		case di.RemovedOn.After(today):
			add("removed_on", "cannot be in the future")
		}
		if !oneOf(di.RemovalReason, RemovalReasons()) {
			add("removal_reason", "must be one of "+join(RemovalReasons()))
		}
	} else if di.RemovalReason != "" {
		add("removed_on", "is required when a removal reason is given")
	}
	if di.RemovalReason == RemovedOther && strings.TrimSpace(di.RemovalNote) == "" {
		add("removal_note", "is required when the reason is other")
	}
	errs = append(errs, NoteText.Check("removal_note", di.RemovalNote)...)
	if di.AssetTag != "" && !assetTagRE.MatchString(di.AssetTag) {
		add("asset_tag", "must be 1 to 40 letters, digits, dots, hyphens, slashes or underscores")
	}
	errs = append(errs, ateval.Line(200).Check("issued_by_text", di.IssuedByText)...)
	errs = append(errs, NoteText.Check("need", di.Need)...)
	for _, r := range di.Reviews {
		if msg := di.reviewProblem(r.On, today); msg != "" {
			add("reviewed_on", msg)
			break
		}
	}
	for _, r := range di.Reviews {
		if fe := NoteText.Check("review_note", r.Note); fe != nil {
			errs = append(errs, fe...)
			break
		}
	}
	if len(errs) > 0 {
		return ateval.Invalid("The device issue is not valid.", errs)
	}
	return nil
}

// reviewProblem says what is wrong with a review on the given day, or "".
func (di *DeviceIssue) reviewProblem(on, today ateval.Date) string {
	switch {
	case on.IsZero():
		return "is required"
	case on.Before(di.IssuedOn):
		return "cannot be before the device was issued (" + di.IssuedOn.String() + ")"
	case on.After(today):
		return "cannot be in the future"
	case !di.RemovedOn.IsZero() && on.After(di.RemovedOn):
		return "cannot be after the device was removed (" + di.RemovedOn.String() + ")"
	}
	return ""
}
