package ateval

import (
	"fmt"
	"time"
)

// RandomisedTrial records that a borough allocated the residents it
// enrolled for a device category at random, either to the device or to its
// comparison group (usual care or a waiting list), from From until To (To
// zero: still running). It is how a commissioner would say it: "Croydon
// has randomised fall detectors since April 2024".
//
// Evidence resting on such a comparison starts at high certainty (GRADE);
// any other comparison starts at low. The report's cells are fixed by
// financial year of enrolment, so a trial counts for the financial years it
// covers whole (Covers): one that starts part-way through a year counts
// from the next April, because the residents enrolled earlier that year,
// who were not randomised, share the year's cells.
type RandomisedTrial struct {
	ID             int64  `json:"id"`
	Borough        string `json:"borough"`         // the borough's slug
	DeviceCategory string `json:"device_category"` // a device category's id
	From           Date   `json:"from"`
	To             Date   `json:"to"` // the last day of enrolment to the trial; zero while it runs
}

// Validate checks a trial's own fields; that the borough and category
// exist is storage's to check.
func (t *RandomisedTrial) Validate() error {
	var errs []FieldError
	if t.Borough == "" {
		errs = append(errs, FieldError{"borough", "Choose the borough that allocated residents at random"})
	}
	if t.DeviceCategory == "" {
		errs = append(errs, FieldError{"device_category", "Choose the device category the borough allocated at random"})
	}
	if t.From.IsZero() {
		errs = append(errs, FieldError{"from", "Enter the first day residents were allocated at random"})
	}
	if !t.To.IsZero() && !t.From.IsZero() && t.To.Before(t.From) {
		errs = append(errs, FieldError{"to", "The last day must be the same as or after the first day"})
	}
	if len(errs) > 0 {
		return Invalid("The randomised trial is not valid.", errs)
	}
	return nil
}

// Covers reports whether the trial covers the whole of the financial year
// that starts in April of year (2025: 1 April 2025 to 31 March 2026).
func (t RandomisedTrial) Covers(year int) bool {
	start, end := NewDate(year, time.April, 1), NewDate(year+1, time.March, 31)
	return !t.From.After(start) && (t.To.IsZero() || !t.To.Before(end))
}

// Years says which financial years the trial covers whole, in words:
// "From April 2025", "April 2025 to March 2027", or "No whole financial
// year" for a trial shorter than one.
func (t RandomisedTrial) Years() string {
	first := t.From.Year()
	if !t.Covers(first) {
		first++
	}
	if t.To.IsZero() {
		return fmt.Sprintf("From April %d", first)
	}
	// The last year covered ends on 31 March on or before To.
	last := t.To.Year() - 1
	if t.To.Before(NewDate(t.To.Year(), time.March, 31)) {
		last--
	}
	if last < first {
		return "No whole financial year"
	}
	return fmt.Sprintf("April %d to March %d", first, last+1)
}

// RandomisedIn reports whether a borough's residents of a device category
// enrolled in the financial year starting in April of year were allocated
// at random, by any of the trials.
func RandomisedIn(trials []RandomisedTrial, borough, category string, year int) bool {
	for _, t := range trials {
		if t.Borough == borough && t.DeviceCategory == category && t.Covers(year) {
			return true
		}
	}
	return false
}
