package exports

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// TestGroupIsQuasiIdentifier is the review's case (H1): five residents
// alike in every quasi-identifier, four in the intervention arm and one in
// the comparison arm. Published with its arm, the comparison resident
// would be alone in a class; and, the comparison arm having no device, the
// arm would give away a suppressed device category.
func TestGroupIsQuasiIdentifier(t *testing.T) {
	m := &memSource{}
	enrolled := ateval.NewDate(2026, 3, 2)
	add := func(i int, borough string, yob int, g devices.Group, cat string) {
		s := Subject{Borough: borough, YearOfBirth: yob, Sex: devices.Female,
			EthnicGroup: devices.EthnicWhite, Group: g, EnrolledOn: enrolled, DeviceCategory: cat}
		if cat != "" {
			s.FirstIssuedOn = enrolled
		}
		m.add(int64(i+1), s)
	}
	for i := 0; i < 4; i++ {
		add(i, "camden", 1940, devices.Intervention, "community-alarm")
	}
	add(4, "camden", 1940, devices.Comparison, "")
	for i := 5; i < 60; i++ {
		add(i, "sutton", 1950+i%3, devices.Intervention, "fall-detector")
	}
	_, recs, _ := export(t, m, Options{Agreement: agreement(1), K: 5, Layout: LayoutWide})
	col := map[string]int{}
	for i, n := range recs[0] {
		col[n] = i
	}
	classes := map[string]int{}
	for _, r := range recs[1:] {
		classes[strings.Join(r[col[QIAgeBand]:col["group"]+1], "|")]++
	}
	for key, n := range classes {
		if n < 5 {
			t.Errorf("quasi-identifiers and group %s are shared by %d residents, fewer than k = 5", key, n)
		}
	}
	for _, r := range recs[1:] {
		if r[col["group"]] == string(devices.Comparison) && r[col[QIDeviceCategory]] == Suppressed && classes[strings.Join(r[col[QIAgeBand]:col["group"]+1], "|")] < 5 {
			t.Errorf("a comparison resident's suppressed device category is given away by the arm: %q", r[:col["group"]+1])
		}
	}
}

// randomSubjects is a small random population, skewed so that local
// suppression has to work hard: few boroughs, rare values.
func randomSubjects(r *rand.Rand, n int) []Subject {
	boroughs := []string{"camden", "sutton", "brent", "city-of-london"}
	cats := []string{"", "community-alarm", "fall-detector", "gps-location", "bed-chair-sensor", "video-carephone"}
	var out []Subject
	for i := 0; i < n; i++ {
		s := Subject{Pseudonym: fmt.Sprintf("ps_%06d", i), Borough: boroughs[r.IntN(1+r.IntN(len(boroughs)))],
			YearOfBirth: 1920 + r.IntN(70), Sex: devices.Sexes()[r.IntN(len(devices.Sexes()))], EthnicGroup: devices.EthnicGroups()[r.IntN(6)],
			LivingAlone: r.IntN(2) == 0, EnrolledOn: ateval.NewDate(2026, 1, 5), Group: devices.Intervention, DeviceCategory: cats[1+r.IntN(len(cats)-1)]}
		if r.IntN(4) == 0 {
			s.Group, s.DeviceCategory = devices.Comparison, ""
		}
		out = append(out, s)
	}
	return out
}

// checkAnonymised fails unless err is nil or EINVALID and every published
// class, quasi-identifiers and group together, holds at least k residents.
func checkAnonymised(t *testing.T, what string, an anonymised, err error, k int) {
	t.Helper()
	if err != nil {
		if ateval.ErrorCode(err) != ateval.EINVALID {
			t.Fatalf("%s: error %v, want none or EINVALID", what, err)
		}
		return
	}
	for key, c := range classSizes(an.values) {
		if c < k {
			t.Fatalf("%s: class %s of %d < k = %d", what, key, c, k)
		}
	}
}

// TestAnonymiseSmallPopulations is the review's fuzz (M3) as a property
// test: 3,000 random small populations, where local suppression runs out
// of donors, must each give a k-anonymous result or a clear EINVALID,
// never an internal error.
func TestAnonymiseSmallPopulations(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 3))
	for trial := 0; trial < 3000; trial++ {
		n, k := 2+r.IntN(40), 2+r.IntN(9)
		an, err := anonymise(randomSubjects(r, n), k, []float64{0, 0.05, 0.2}[trial%3], nil, boroughScope{})
		checkAnonymised(t, fmt.Sprintf("trial %d (n=%d, k=%d)", trial, n, k), an, err, k)
	}
}

// FuzzAnonymise runs anonymise on small populations drawn from the fuzzer's
// seed: no error but EINVALID, and every class at least k.
func FuzzAnonymise(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42, 2026} {
		f.Add(s, uint8(12), uint8(5))
	}
	f.Fuzz(func(t *testing.T, seed uint64, n, k uint8) {
		kk := 2 + int(k)%9
		r := rand.New(rand.NewPCG(seed, uint64(n)))
		an, err := anonymise(randomSubjects(r, 1+int(n)%60), kk, 0.05, nil, boroughScope{})
		checkAnonymised(t, "fuzz", an, err, kk)
	})
}
