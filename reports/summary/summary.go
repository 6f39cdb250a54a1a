// Package summary holds the per-borough aggregates an evidence report is
// built from: plain structs, with no behaviour and no dependencies beyond
// the root ateval package.
//
// It sits apart from package reports so that storage, which computes the
// aggregates inside the database, can return these types without importing
// the report's charts and PDF code, and reports can consume them without
// importing gorm. Either side may import summary; summary imports neither.
package summary

import "github.com/ateval/ateval"

// Group names of residents.evaluation_group.
const (
	Intervention = "intervention"
	Comparison   = "comparison"
)

// Filter narrows the residents a summary covers. The zero Filter covers
// every enrolled resident who has not objected.
type Filter struct {
	// Boroughs are borough slugs; nil or empty means every borough.
	Boroughs []string
	// From and To bound the enrolment date, both ends inclusive; a zero
	// Date leaves that end open.
	From, To ateval.Date
	// DeviceCategory keeps intervention residents whose primary device is
	// of this category (comparison residents, who have none, are kept);
	// "" keeps every category.
	DeviceCategory string
}

// Key identifies one cell of a grouped summary: a borough, the residents'
// primary device category (the category of their first device issue; ""
// for comparison residents) and their evaluation group.
type Key struct {
	Borough  string `json:"borough"`
	Category string `json:"device_category"`
	Group    string `json:"group"`
	// Period is the financial year of enrolment, by the year it starts in
	// (2025: April 2025 to March 2026): cells are fixed by it, so that a
	// report can select whole years only.
	Period int `json:"period"`
}

// Change sums one score of the residents of a cell who have it at both
// baseline and a follow-up: N residents, with b the baseline and f the
// follow-up score, Σb, Σf, Σb², Σf² and Σbf. Everything a mean change,
// its SD and the baseline–follow-up correlation need follows from these.
type Change struct {
	Key
	N int
	// Keys is the sum of the residents' record keys, for the cell-key
	// perturbation of published counts (see package disclosure).
	Keys                            int64
	SumB, SumF, SumBB, SumFF, SumBF float64
}

// Event sums the event counts and days covered of the residents of a cell
// who have an events record at both baseline (which covers the period
// before enrolment) and a follow-up (which covers the period since the
// previous events record).
type Event struct {
	Key
	N                       int
	Keys                    int64
	CountBefore, DaysBefore float64
	CountAfter, DaysAfter   float64
}

// Proportion counts the residents of a cell answering a yes/no item at a
// follow-up (N) and those answering yes (Yes).
type Proportion struct {
	Key
	N, Yes        int
	Keys, YesKeys int64
}

// Enrolment counts the residents of a borough and group enrolled on one
// day; the report works out from it which follow-ups are due.
type Enrolment struct {
	Borough, Group, Category string
	EnrolledOn               ateval.Date
	N                        int
	Keys                     int64
}

// Taken counts the residents of a borough and group with an assessment of
// an instrument at a timepoint, and how many of those assessments have a
// score that could not be computed because items are missing
// (Incomplete).
type Taken struct {
	Borough, Group, Category, Instrument, Timepoint string
	Period                                          int
	N, Incomplete                                   int
	Keys, IncompleteKeys                            int64
}

// Cost sums, per borough and primary device category, what the devices
// issued to intervention residents cost: N residents, the purchase price of
// all their devices and the weekly monitoring charge, in pence.
type Cost struct {
	Borough, Category      string
	Period                 int
	N                      int
	Keys                   int64
	UnitPence, WeeklyPence float64
}

// Issue counts the devices of one category issued to intervention
// residents on one day and removed on another (RemovedOn zero: still in
// place), abandoned or not: enough to follow abandonment over time since
// issue without a row per device.
type Issue struct {
	Borough   string
	Period    int
	Keys      int64
	Category  string
	IssuedOn  ateval.Date
	RemovedOn ateval.Date
	Abandoned bool
	N         int
}

// Imported is one released cell a hub imported from a borough's evidence
// bundle: the borough's residents of one category and arm over a block of
// financial years, for one outcome (an id of reports.Outcomes) at one
// follow-up, with the protected values of the outcome's kind (see package
// federation's Cell) and, for a score, the borough's reference after them
// (Sums: mean baseline, mean change, baseline variance, slope, residual
// variance).
type Imported struct {
	Borough, Outcome, Timepoint, Kind, Category, Arm string
	Periods                                          []int
	N                                                int
	Keys                                             int64
	Sums                                             []float64
}
