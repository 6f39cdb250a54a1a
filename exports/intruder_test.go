package exports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/exports/exportstest"
	"github.com/ateval/ateval/forms"
)

// fingerprinted is a population of n residents over eight boroughs, each
// with SWEMWBS answered at baseline and at 3 months, seven items scored 1
// to 5: 5^14 ways to answer, so that the answers are a fingerprint, as
// they were in issue 13.
func fingerprinted(n int, seed uint64) (*exports.MemSource, []string) {
	r := rand.New(rand.NewPCG(seed, 13))
	boroughs := []string{"barnet", "brent", "camden", "croydon", "ealing", "hackney", "sutton", "merton"}
	cats := []string{"community-alarm", "fall-detector", "gps-location", "bed-chair-sensor", "video-carephone", "medication-dispenser"}
	m := &exports.MemSource{}
	enrolled := ateval.NewDate(2026, 1, 5)
	for i := 0; i < n; i++ {
		s := exports.Subject{Borough: boroughs[r.IntN(len(boroughs))], YearOfBirth: 1925 + r.IntN(40),
			Sex: devices.Sexes()[r.IntN(2)], EthnicGroup: devices.EthnicGroups()[r.IntN(6)], LivingAlone: r.IntN(2) == 0,
			Group: devices.Intervention, EnrolledOn: enrolled, FirstIssuedOn: enrolled.AddDays(r.IntN(20)), DeviceCategory: cats[r.IntN(len(cats))]}
		if r.IntN(5) == 0 {
			s.Group, s.FirstIssuedOn, s.DeviceCategory = devices.Comparison, ateval.Date{}, ""
		}
		var as []forms.Assessment
		for x, tp := range []forms.Timepoint{forms.Baseline, forms.Month3} {
			var answers []forms.Answer
			for j := 1; j <= 7; j++ {
				v := float64(1 + r.IntN(5))
				answers = append(answers, forms.Answer{Item: fmt.Sprintf("swemwbs_%d", j), Value: &v})
			}
			as = append(as, forms.Assessment{Instrument: "swemwbs", Timepoint: tp, AssessedOn: enrolled.AddDays(93 * x),
				Respondent: forms.RespondentResident, FrameworkVersion: "2026.1", Answers: answers})
		}
		m.Add(int64(i+1), s, as)
	}
	return m, boroughs
}

// exportCSV makes an export and reads it back as the intruder would
// hold it; recorded in the ledger if the source keeps one.
func exportCSV(t *testing.T, src exports.Source, a *exports.Agreement, layout string, k int) (exportstest.Export, exports.Disclosure) {
	t.Helper()
	p, err := exports.Prepare(context.Background(), src, exports.Options{Agreement: a, Layout: layout, K: k, Today: ateval.NewDate(2026, 11, 23)})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := src.(*exports.MemSource); ok {
		m.Record(p.Release())
	}
	var buf bytes.Buffer
	if _, err := p.WriteCSV(context.Background(), &buf, nil); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return exportstest.Export{Records: recs, Boroughs: a.Boroughs}, p.Disclosure()
}

// TestIntruderJoin is issue 13's attack on a generated population: an
// export of two boroughs under one agreement, then one of all eight under
// another, joined on the answers. Made with a ledger per agreement (each
// the first of its own), the join leaves residents in classes smaller
// than k: the attack works, and so the test can fail. Made with the one
// ledger, no linked resident is in a class smaller than k.
func TestIntruderJoin(t *testing.T) {
	for _, tc := range []struct {
		layout string
		kA, kB int
	}{{exports.LayoutWide, 5, 10}, {exports.LayoutLong, 10, 5}} {
		t.Run(tc.layout, func(t *testing.T) {
			src, all := fingerprinted(1500, 7)
			small := &exports.Agreement{ID: 1, Name: "two boroughs", Purpose: "test", Boroughs: all[:2], ExpiresOn: ateval.NewDate(2099, 1, 1)}
			every := &exports.Agreement{ID: 2, Name: "eight boroughs", Purpose: "test", Boroughs: all, ExpiresOn: ateval.NewDate(2099, 1, 1)}
			k := min(tc.kA, tc.kB)

			a, _ := exportCSV(t, exports.Forgetful(src), small, tc.layout, tc.kA)
			b, _ := exportCSV(t, exports.Forgetful(src), every, tc.layout, tc.kB)
			unsafe, err := exportstest.Link(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if unsafe.Linked < (unsafe.Linked+unsafe.Ambiguous+unsafe.Unmatched)*9/10 || unsafe.Below(k) == 0 {
				t.Fatalf("without the one ledger: %v, %d linked residents in classes under k = %d; want most linked, some exposed: the test cannot fail",
					unsafe, unsafe.Below(k), k)
			}

			a, _ = exportCSV(t, src, small, tc.layout, tc.kA)
			b, d := exportCSV(t, src, every, tc.layout, tc.kB)
			safe, err := exportstest.Link(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if safe.Linked == 0 || safe.Below(k) > 0 {
				t.Errorf("with the one ledger: %v; %d linked residents in classes under k = %d", safe, safe.Below(k), k)
			}
			if d.EarlierExports != 1 || d.EarlierAgreements != 1 || d.JoinedK != max(tc.kA, tc.kB) {
				t.Errorf("the second export's disclosure report: %d earlier exports under %d agreements, joined k %d", d.EarlierExports, d.EarlierAgreements, d.JoinedK)
			}
			t.Logf("without the one ledger: %d of %d linked, %d in classes under k = %d (smallest %d); with it: %d linked, smallest class %d, %d residents withheld from the second export",
				unsafe.Linked, unsafe.Linked+unsafe.Ambiguous+unsafe.Unmatched, unsafe.Below(k), k, unsafe.Smallest, safe.Linked, safe.Smallest, d.ResidentsWithheld)
		})
	}
}
