package exports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ateval/ateval"
)

// Codebook describes an export: the agreement it was made under, every
// column, and the disclosure control applied.
type Codebook struct {
	Agreement        AgreementSummary `json:"agreement"`
	Layout           string           `json:"layout"`
	FrameworkVersion string           `json:"framework_version"`
	MadeOn           ateval.Date      `json:"made_on"`
	Residents        int              `json:"residents"`
	Notes            []string         `json:"notes"`
	Columns          []Column         `json:"columns"`
	Disclosure       Disclosure       `json:"disclosure"`
}

// AgreementSummary is what a codebook says of the agreement: everything
// but its key.
type AgreementSummary struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	Parties     []string    `json:"parties"`
	Purpose     string      `json:"purpose"`
	LawfulBasis string      `json:"lawful_basis"`
	Boroughs    []string    `json:"boroughs"`
	ExpiresOn   ateval.Date `json:"expires_on"`
}

var codebookNotes = []string{
	"No direct identifier is exported: no name, NHS number, address, postcode, date of birth, free text or internal id.",
	"Residents who objected to the use of their data, or who are not enrolled, are never exported.",
	"Dates are days from the resident's first device issue (enrolment, for the comparison group); age is from the year of birth at enrolment.",
	"Missing reasons are kept apart from values: an item's or a score's column holds only numbers, and the column after it, named as it with _missing added, holds the reason it has none: for an item refused (asked, and declined to answer), not_applicable (the question does not apply to the resident), unable (asked, and could not answer) or not_asked; for a score not_scorable (too many items missing, or no value set loaded). Each code's label is the word the platform's pages use. A value and its reason are never both given. Both blank means the column does not apply to the row: another instrument's item (long layout), or no assessment at that timepoint (wide layout).",
	"Every column has one type whatever the data (see each column below), so a column may be blank in every row; the syntax files beside the CSV (FILE.R, FILE.do, FILE.sps) read each as its type: numbers as numbers, categories with their labels, and the missing reasons as categories of their own.",
	"The wide layout has the instruments scheduled at each timepoint; an assessment at a timepoint where its instrument is not scheduled appears only in the long layout.",
	"Pseudonyms are stable across exports under the same agreement and unlinkable across agreements. Answers and scores are not: they link a resident's rows across exports made under any agreements, so every export is made k-anonymous together with every earlier one (see the disclosure report).",
}

// joinedText is what the disclosure report says of the earlier exports
// the export was checked with.
func joinedText(d *Disclosure) string {
	if d.EarlierExports == 0 {
		return "This is the first export made on this platform, under any agreement: its generalisation levels are kept by every later one, and each later export, under any agreement, is checked together with it."
	}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	return fmt.Sprintf("This export is checked together with the %s made before it, under %s. "+
		"Pseudonyms differ between agreements, but answers and scores are a fingerprint: whoever holds several exports can link a resident's rows across them. "+
		"So the generalisation levels are those the first export ever chose; a resident published before shows no value that no earlier export published (%s withheld); "+
		"and, joining every export resident by resident (a suppressed borough counting as the boroughs that export covers), every combination of the quasi-identifiers known of a resident "+
		"of this export is shared by at least k = %d of the %d residents ever published, and by at least the largest k of any export that published one of them (up to %d here): "+
		"%d combinations, the smallest holding a resident of this export of %d. %s left out of this export to keep it so.",
		plural(d.EarlierExports, "earlier export", "earlier exports"), plural(d.EarlierAgreements, "data sharing agreement", "data sharing agreements"),
		plural(d.ValuesWithheld, "value", "values"), d.K, d.JoinedResidents, d.JoinedK, d.JoinedClasses, d.JoinedSmallestClass,
		plural(d.ResidentsWithheld, "resident was", "residents were"))
}

func (p *Plan) newCodebook(d Disclosure) *Codebook {
	a := p.opt.Agreement
	return &Codebook{
		Agreement: AgreementSummary{ID: a.ID, Name: a.Name, Parties: a.Parties, Purpose: a.Purpose, LawfulBasis: a.LawfulBasis,
			Boroughs: p.opt.Boroughs, ExpiresOn: a.ExpiresOn},
		Layout: p.opt.Layout, FrameworkVersion: p.opt.Framework.Version(), MadeOn: p.opt.Today, Residents: len(p.entries),
		Notes: codebookNotes, Columns: p.columns, Disclosure: d,
	}
}

// WriteJSON writes the codebook as indented JSON.
func (c *Codebook) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// WriteText writes the codebook for people to read, as Markdown: the
// agreement, notes, one entry per column, and the disclosure report.
func (c *Codebook) WriteText(w io.Writer) error {
	var b strings.Builder
	a := c.Agreement
	fmt.Fprintf(&b, "# Codebook: anonymised export, %s layout\n\n", c.Layout)
	fmt.Fprintf(&b, "- Data sharing agreement %d: %s\n- Parties: %s\n- Purpose: %s\n- Lawful basis: %s\n- Boroughs: %s\n- Agreement expires on: %s\n",
		a.ID, a.Name, strings.Join(a.Parties, "; "), a.Purpose, a.LawfulBasis, strings.Join(a.Boroughs, ", "), a.ExpiresOn)
	fmt.Fprintf(&b, "- Made on: %s\n- Evaluation framework: %s\n- Residents: %d\n- Columns: %d\n\n", c.MadeOn, c.FrameworkVersion, c.Residents, len(c.Columns))
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	b.WriteString("\n## Columns\n")
	for _, col := range c.Columns {
		fmt.Fprintf(&b, "\n### %s\n\n%s\n\n- type: %s\n", col.Name, col.Label, col.Type)
		if col.Instrument != "" {
			fmt.Fprintf(&b, "- instrument: %s\n", col.Instrument)
		}
		if col.Item != "" {
			fmt.Fprintf(&b, "- item: %s\n", col.Item)
		}
		if col.Score != "" {
			fmt.Fprintf(&b, "- score: %s, scoring method %s\n", col.Score, col.Scoring)
		}
		if col.Timepoint != "" {
			fmt.Fprintf(&b, "- timepoint: %s\n", col.Timepoint)
		}
		if col.Unit != "" {
			fmt.Fprintf(&b, "- unit: %s\n", col.Unit)
		}
		if col.Min != nil || col.Max != nil {
			fmt.Fprintf(&b, "- range: %s to %s\n", fnum(col.Min), fnum(col.Max))
		}
		for _, l := range col.Levels {
			fmt.Fprintf(&b, "- `%s`: %s\n", l.Code, l.Label)
		}
		if len(col.MissingCodes) > 0 {
			fmt.Fprintf(&b, "- missing reasons, in %s: %s\n", col.MissingColumn, strings.Join(col.MissingCodes, ", "))
		}
		if col.MissingFor != "" {
			fmt.Fprintf(&b, "- the reason %s has no value\n", col.MissingFor)
		}
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return c.Disclosure.WriteText(w)
}

func fnum(v *float64) string {
	if v == nil {
		return "(none)"
	}
	return fmt.Sprint(*v)
}

// WriteText writes the disclosure report as Markdown.
func (d *Disclosure) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Disclosure report\n\n")
	fmt.Fprintf(&b, "k-anonymity with k = %d over the quasi-identifiers age_band, sex, ethnic_group, borough, device_category, living_alone and group: every combination of their values in the export is shared by at least %d residents.\n\n", d.K, d.K)
	b.WriteString(joinedText(d))
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "Search: %s Suppression limit: %.1f%% of residents; %d lattice nodes searched.\n\n", d.Search, 100*d.MaxSuppression, d.NodesSearched)
	b.WriteString("| column | level | published as | values suppressed |\n|---|---|---|---|\n")
	for _, g := range d.Generalisation {
		fmt.Fprintf(&b, "| %s | %d | %s | %d |\n", g.Column, g.Level, g.Hierarchy, g.ValuesSuppressed)
	}
	fmt.Fprintf(&b, "\n- Residents exported: %d\n- Residents removed altogether: %d\n- Residents with a value suppressed: %d (%d values)\n",
		d.Residents, d.Removed, d.ResidentsSuppressed, d.ValuesSuppressed)
	fmt.Fprintf(&b, "- Equivalence classes: %d, the smallest of %d residents\n", d.Classes, d.SmallestClass)
	fmt.Fprintf(&b, "- Highest prosecutor risk (1 / smallest class): %.4f\n- Average prosecutor risk (classes / residents): %.4f\n", d.HighestRisk, d.AverageRisk)
	_, err := io.WriteString(w, b.String())
	return err
}
