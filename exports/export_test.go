package exports

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

// memSource is an exports.Source over slices, for the package's own
// tests; storage's implementation is tested against real databases in
// cmd/ateval and storage. Like storage, it makes the pseudonyms and ledger
// keys from internal ids it never hands over, and keeps one ledger of
// what every export released, under any agreement; its key for agreement
// N is 32 bytes of N.
type memSource struct {
	subjects    []Subject // Pseudonym and Ledger empty: made when handed over
	ids         []int64   // each subject's internal id
	assessments []forms.Assessment
	ledger      *Released
	agreements  map[int64]bool // those with an export in the ledger
}

func memKey(agreementID int64) []byte { return bytes.Repeat([]byte{byte(agreementID)}, KeySize) }

// memLedger is the ledger key of the resident with the internal id.
func memLedger(id int64) string { return "ledger_" + sharing.Pseudonym(memKey(255), id) }

func (m *memSource) add(id int64, s Subject) {
	m.subjects, m.ids = append(m.subjects, s), append(m.ids, id)
}

func inList(x string, xs []string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func (m *memSource) ExportSubjects(_ context.Context, agreementID int64, boroughs []string, fn func(Subject) error) error {
	for i, s := range m.subjects {
		if inList(s.Borough, boroughs) {
			s.Pseudonym, s.Ledger = sharing.Pseudonym(memKey(agreementID), m.ids[i]), memLedger(m.ids[i])
			if err := fn(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// memBatch is how many residents the memSource hands over at once.
const memBatch = 500

func (m *memSource) ExportAssessments(_ context.Context, agreementID int64, boroughs []string, fn func([]Assessments) error) error {
	var all []Assessments
	at := map[int64]int{}
	for i, s := range m.subjects {
		if inList(s.Borough, boroughs) && s.InEvaluation() {
			at[m.ids[i]] = len(all)
			all = append(all, Assessments{Pseudonym: sharing.Pseudonym(memKey(agreementID), m.ids[i])})
		}
	}
	for _, a := range m.assessments {
		if i, ok := at[a.ResidentID]; ok {
			a.ID, a.ResidentID = 0, 0
			all[i].Assessments = append(all[i].Assessments, a)
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].Pseudonym < all[b].Pseudonym })
	for start := 0; start < len(all); start += memBatch {
		if err := fn(all[start:min(start+memBatch, len(all))]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) ExportReleases(context.Context, int64) (Released, error) {
	if r := m.ledger; r != nil {
		out := *r
		out.Records = maps.Clone(r.Records)
		return out, nil
	}
	return Released{}, nil
}

// record keeps what an export released, as storage.RecordExport does.
func (m *memSource) record(rel *Release) {
	if m.ledger == nil {
		m.ledger = &Released{Levels: rel.Levels, Records: map[string]Entry{}}
		m.agreements = map[int64]bool{}
	}
	r := m.ledger
	if rel.Sequence != r.Exports+1 {
		panic("memSource: an export recorded out of sequence")
	}
	m.agreements[rel.AgreementID] = true
	r.Exports, r.Agreements = rel.Sequence, len(m.agreements)
	for p, v := range rel.Records {
		r.Records[p] = v
	}
}

func fptr(v float64) *float64 { return &v }

// population builds n residents spread over two boroughs, each with a
// SWEMWBS assessment at baseline and 3 months, the second with an item
// refused.
func population(n int) *memSource {
	m := &memSource{}
	enrolled := ateval.NewDate(2026, 3, 2)
	for i := 0; i < n; i++ {
		id := int64(1000 + i)
		s := Subject{Borough: []string{"camden", "sutton"}[i%2],
			YearOfBirth: 1930 + i%25, Sex: []devices.Sex{devices.Female, devices.Male}[i/2%2], EthnicGroup: devices.EthnicGroups()[i%6],
			LivingAlone: i%3 == 0, Group: devices.Intervention, EnrolledOn: enrolled, FirstIssuedOn: enrolled.AddDays(2),
			DeviceCategory: []string{"community-alarm", "fall-detector", "medication-dispenser"}[i%3]}
		if i%10 == 9 {
			s.Group, s.FirstIssuedOn, s.DeviceCategory = devices.Comparison, ateval.Date{}, ""
		}
		m.add(id, s)
		var answers []forms.Answer
		for j := 1; j <= 7; j++ {
			answers = append(answers, forms.Answer{Item: fmt.Sprintf("swemwbs_%d", j), Value: fptr(3)})
		}
		m.assessments = append(m.assessments, forms.Assessment{ID: int64(5000 + 2*i), ResidentID: id, Instrument: "swemwbs",
			Timepoint: forms.Baseline, AssessedOn: enrolled, Respondent: forms.RespondentResident, FrameworkVersion: "2026.1", Answers: answers,
			Scores: []forms.Score{{Name: "metric", Value: fptr(17.43), Method: "swemwbs-metric/stewart-brown-2009"}, {Name: "raw", Value: fptr(21), Method: "swemwbs-raw/1"}}})
		later := append([]forms.Answer(nil), answers...)
		later[1] = forms.Answer{Item: "swemwbs_2", Missing: forms.Refused}
		m.assessments = append(m.assessments, forms.Assessment{ID: int64(5001 + 2*i), ResidentID: id, Instrument: "swemwbs",
			Timepoint: forms.Month3, AssessedOn: enrolled.AddDays(93), Respondent: forms.RespondentProxy, FrameworkVersion: "2026.1", Answers: later,
			Scores: []forms.Score{{Name: "metric", Method: "swemwbs-metric/stewart-brown-2009", NotScorable: "1 of 7 items missing"}}})
	}
	return m
}

func agreement(id int64) *Agreement {
	return &Agreement{ID: id, Name: "study", Purpose: "test", Boroughs: []string{"camden", "sutton"},
		ExpiresOn: ateval.NewDate(2099, 1, 1)}
}

// export runs an export to memory and reads it back with encoding/csv,
// which also checks that every row has as many fields as the header.
func export(t *testing.T, src Source, opt Options) (*Plan, [][]string, Stats) {
	t.Helper()
	if opt.Today.IsZero() {
		opt.Today = ateval.NewDate(2026, 11, 23)
	}
	p, err := Prepare(context.Background(), src, opt)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := src.(interface{ record(*Release) }); ok {
		r.record(p.Release())
	}
	var buf bytes.Buffer
	var calls int
	st, err := p.WriteCSV(context.Background(), &buf, func(done, total int64) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 && p.Residents() > 0 {
		t.Error("WriteCSV never reported progress")
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export does not read back as CSV: %v", err)
	}
	if int64(len(recs)-1) != st.Rows {
		t.Errorf("Stats.Rows = %d, but %d rows were read back", st.Rows, len(recs)-1)
	}
	return p, recs, st
}

func readBack(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("the export does not read back as CSV: %v", err)
	}
	return recs
}

var safeNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// reservedNames are words R, Stata or SPSS will not take as a variable
// name (R's reserved words; Stata's reserved names; SPSS's reserved
// keywords), in lower case, as SafeName writes names.
var reservedNames = map[string]bool{
	"if": true, "else": true, "repeat": true, "while": true, "function": true, "for": true, "next": true, "break": true,
	"true": true, "false": true, "null": true, "inf": true, "nan": true, "na": true, "in": true,
	"byte": true, "double": true, "float": true, "int": true, "long": true, "strl": true, "using": true, "with": true,
	"all": true, "and": true, "by": true, "eq": true, "ge": true, "gt": true, "le": true, "lt": true, "ne": true, "not": true, "or": true, "to": true,
}

func TestColumnsAreSafeAndDescribed(t *testing.T) {
	for _, layout := range []string{LayoutLong, LayoutWide} {
		p, recs, _ := export(t, population(60), Options{Agreement: agreement(1), Layout: layout})
		cols := p.Codebook().Columns
		if len(cols) != len(recs[0]) {
			t.Fatalf("%s: the codebook describes %d columns, the file has %d", layout, len(cols), len(recs[0]))
		}
		for i, name := range recs[0] {
			if !safeNameRE.MatchString(name) || reservedNames[name] {
				t.Errorf("%s: column %q is not a safe name for R, Stata and SPSS", layout, name)
			}
			// The R syntax adds COLUMN.factor beside a choice item; no
			// column may already bear that name (safeNameRE has no dot).
			if c := cols[i]; c.Name != name || c.Type == "" || c.Label == "" {
				t.Errorf("%s: column %d is %q, its codebook entry %+v", layout, i, name, c)
			}
		}
		want := []string{"pseudonym", QIAgeBand, QISex, QIEthnicGroup, QIBorough, QIDeviceCategory, QILivingAlone, "group"}
		if got := recs[0][:len(want)]; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: first columns %q, want %q", layout, got, want)
		}
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"swemwbs_metric_m3", "swemwbs_metric_m3"},
		{"ascot-sct4_index", "ascot_sct4_index"},
		{"3cats", "v_3cats"},
		{"events_adverse_events_per_30_days_m12", "events_adverse_events_p30d_m12"},
		{"device_use_satisfaction_score_m12", "device_use_satisf_sc_m12"},
	} {
		if got := SafeName(tc.in); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := SafeName(strings.Repeat("abcdefghij", 5))
	if !safeNameRE.MatchString(long) || long != SafeName(strings.Repeat("abcdefghij", 5)) {
		t.Errorf("SafeName of a long name = %q: not safe or not stable", long)
	}
}

func TestLongRows(t *testing.T) {
	src := population(60)
	p, recs, st := export(t, src, Options{Agreement: agreement(1)})
	col := map[string]int{}
	for i, n := range recs[0] {
		col[n] = i
	}
	if st.Rows != 120 || st.Residents != 60 || p.Residents() != 60 {
		t.Fatalf("wrote %d rows of %d residents, want 120 of 60", st.Rows, st.Residents)
	}
	for _, r := range recs[1:] {
		// Days count from the device issue, two days after enrolment;
		// from enrolment for the comparison group, who have no device.
		base, m3 := "-2", "91"
		if r[col["group"]] == "comparison" {
			base, m3 = "0", "93"
		}
		switch r[col["timepoint"]] {
		case "baseline":
			if r[col["day"]] != base || r[col["swemwbs_metric"]] != "17.43" || r[col["respondent"]] != "resident" {
				t.Errorf("baseline row %q: want day -2 (two days before the issue), metric 17.43", r)
			}
		case "m3":
			// Reasons in the companion columns, values' own left blank.
			if r[col["day"]] != m3 || r[col["swemwbs_2"]] != "" || r[col["swemwbs_2_missing"]] != "refused" ||
				r[col["swemwbs_metric"]] != "" || r[col["swemwbs_metric_missing"]] != NotScorable ||
				r[col["swemwbs_raw"]] != "" || r[col["swemwbs_raw_missing"]] != "" || r[col["swemwbs_1_missing"]] != "" {
				t.Errorf("m3 row: swemwbs_2 %q (%q), metric %q (%q), raw %q (%q); want blank (refused), blank (not_scorable), blank (blank)",
					r[col["swemwbs_2"]], r[col["swemwbs_2_missing"]], r[col["swemwbs_metric"]], r[col["swemwbs_metric_missing"]],
					r[col["swemwbs_raw"]], r[col["swemwbs_raw_missing"]])
			}
		default:
			t.Errorf("row with timepoint %q", r[col["timepoint"]])
		}
		if r[col["ons4_happy"]] != "" {
			t.Errorf("an item of another instrument holds %q", r[col["ons4_happy"]])
		}
	}
}

func TestWideRows(t *testing.T) {
	_, recs, st := export(t, population(60), Options{Agreement: agreement(1), Layout: LayoutWide})
	col := map[string]int{}
	for i, n := range recs[0] {
		col[n] = i
	}
	if st.Rows != 60 {
		t.Fatalf("wide export has %d rows, want one per resident, 60", st.Rows)
	}
	for _, name := range []string{"swemwbs_metric_bl", "swemwbs_metric_m3", "swemwbs_2_m3", "swemwbs_day_m3", "events_adverse_events_p30d_m12"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("no column %s", name)
		}
	}
	for _, r := range recs[1:] {
		m3 := "91"
		if r[col["group"]] == "comparison" {
			m3 = "93"
		}
		if r[col["swemwbs_metric_bl"]] != "17.43" || r[col["swemwbs_metric_bl_missing"]] != "" ||
			r[col["swemwbs_metric_m3"]] != "" || r[col["swemwbs_metric_m3_missing"]] != NotScorable ||
			r[col["swemwbs_2_m3"]] != "" || r[col["swemwbs_2_m3_missing"]] != "refused" ||
			r[col["swemwbs_day_m3"]] != m3 || r[col["swemwbs_metric_m6"]] != "" || r[col["swemwbs_metric_m6_missing"]] != "" {
			t.Fatalf("wide row %q has the wrong values", r)
		}
	}
}

func TestPseudonyms(t *testing.T) {
	src := population(60)
	pseudonyms := func(a *Agreement) map[string]bool {
		_, recs, _ := export(t, src, Options{Agreement: a})
		out := map[string]bool{}
		for _, r := range recs[1:] {
			out[r[0]] = true
		}
		return out
	}
	a1, again, a2 := pseudonyms(agreement(1)), pseudonyms(agreement(1)), pseudonyms(agreement(2))
	if len(a1) != 60 {
		t.Fatalf("%d distinct pseudonyms for 60 residents", len(a1))
	}
	for p := range a1 {
		if !again[p] {
			t.Errorf("pseudonym %s of one export is missing from a second under the same agreement", p)
		}
		if a2[p] {
			t.Errorf("pseudonym %s appears under two agreements", p)
		}
		if !regexp.MustCompile(`^ps_[a-z2-7]{16}$`).MatchString(p) {
			t.Errorf("pseudonym %q is not of the documented form", p)
		}
	}
}

func TestNeverExported(t *testing.T) {
	src := population(60)
	src.subjects[0].ObjectedOn = ateval.NewDate(2026, 5, 1)
	src.subjects[1].EnrolledOn = ateval.Date{}
	a := agreement(1)
	_, recs, _ := export(t, src, Options{Agreement: a})
	var all strings.Builder
	for _, r := range recs {
		all.WriteString(strings.Join(r, ",") + "\n")
	}
	for _, id := range src.ids[:2] {
		if strings.Contains(all.String(), sharing.Pseudonym(memKey(a.ID), id)) {
			t.Errorf("resident %d (objected or not enrolled) is in the export", id)
		}
	}
}

func TestRefusals(t *testing.T) {
	src := population(60)
	expired := agreement(1)
	expired.ExpiresOn = ateval.NewDate(2026, 1, 1)
	strict := agreement(1)
	strict.MinK = 10
	for _, tc := range []struct {
		name string
		opt  Options
		code string
	}{
		{"no agreement", Options{}, ateval.EFORBIDDEN},
		{"expired", Options{Agreement: expired}, ateval.EFORBIDDEN},
		{"borough outside", Options{Agreement: agreement(1), Boroughs: []string{"camden", "brent"}}, ateval.EFORBIDDEN},
		{"bad layout", Options{Agreement: agreement(1), Layout: "tall"}, ateval.EINVALID},
		{"k of 1", Options{Agreement: agreement(1), K: 1}, ateval.EINVALID},
		{"k below the agreement's minimum", Options{Agreement: strict, K: 9}, ateval.EINVALID},
		{"fewer residents than k", Options{Agreement: agreement(1), K: 61}, ateval.EINVALID},
	} {
		tc.opt.Today = ateval.NewDate(2026, 11, 23)
		if _, err := Prepare(context.Background(), src, tc.opt); ateval.ErrorCode(err) != tc.code {
			t.Errorf("%s: Prepare error %v, want code %s", tc.name, err, tc.code)
		}
	}
	_, err := Prepare(context.Background(), src, Options{Agreement: strict, K: 9, Today: ateval.NewDate(2026, 11, 23)})
	if fs := ateval.ErrorFields(err); len(fs) != 1 || fs[0].Field != "k" || !strings.Contains(fs[0].Message, "minimum k of 10") {
		t.Errorf("k below the agreement's minimum: %v, want a message on k naming the minimum, 10", err)
	}
	for _, tc := range []struct{ asked, want int }{{0, 10}, {12, 12}} {
		p, err := Prepare(context.Background(), src, Options{Agreement: strict, K: tc.asked, Today: ateval.NewDate(2026, 11, 23)})
		if err != nil || p.Disclosure().K != tc.want {
			t.Errorf("k %d asked under an agreement of minimum 10: %v, want an export at k = %d", tc.asked, err, tc.want)
		}
	}
	// M1: a zero Today let an expired agreement through.
	if _, err := Prepare(context.Background(), src, Options{Agreement: expired}); err == nil {
		t.Error("Prepare without a date exported under an expired agreement")
	}
}

func TestAgreementLimitsColumns(t *testing.T) {
	a := agreement(1)
	a.Instruments, a.Fields = []string{"swemwbs"}, []string{FieldScores}
	_, recs, _ := export(t, population(60), Options{Agreement: a})
	for _, n := range recs[0] {
		if strings.HasPrefix(n, "ons4") || n == "swemwbs_1" {
			t.Errorf("column %s is outside the agreement (swemwbs scores only)", n)
		}
	}
}

// TestStreamsInBatches checks the second pass: rows are written as the
// source hands over each batch of residents, with progress after each.
func TestStreamsInBatches(t *testing.T) {
	n := 3*memBatch + 7
	src := population(n)
	var progress []int64
	p, err := Prepare(context.Background(), src, Options{Agreement: agreement(1), Today: ateval.NewDate(2026, 11, 23)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.WriteCSV(context.Background(), io.Discard, func(done, total int64) {
		if total != int64(n) {
			t.Errorf("progress total %d, want %d", total, n)
		}
		progress = append(progress, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != int64(2*n) || st.Residents != n {
		t.Errorf("%d rows of %d residents, want %d of %d", st.Rows, st.Residents, 2*n, n)
	}
	if len(progress) != 4 || progress[0] != memBatch || progress[3] != int64(n) {
		t.Errorf("progress reported %v", progress)
	}
}
