package disclosure

import (
	"fmt"

	"github.com/ateval/ateval"
)

// Period is a financial year of enrolment, April to March, named by the
// year it starts in: 2025 is 1 April 2025 to 31 March 2026.
type Period int

// PeriodOf returns the financial year of a date.
func PeriodOf(d ateval.Date) Period {
	y := d.Year()
	if d.Time().Month() < 4 {
		y--
	}
	return Period(y)
}

// From returns the period's first day.
func (p Period) From() ateval.Date { return ateval.NewDate(int(p), 4, 1) }

// To returns the period's last day.
func (p Period) To() ateval.Date { return ateval.NewDate(int(p)+1, 3, 31) }

// String names the period as people do: "2025-26".
func (p Period) String() string { return fmt.Sprintf("%d-%02d", int(p), (int(p)+1)%100) }

// MonthEnd returns d if it is the last day of its month, else the last day
// of the month before: the day a report judges follow-ups by moves in
// whole months.
func MonthEnd(d ateval.Date) ateval.Date {
	if d.AddDays(1).Time().Day() == 1 {
		return d
	}
	return d.AddDays(-d.Time().Day())
}
