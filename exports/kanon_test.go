package exports

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

func TestAgeBand(t *testing.T) {
	for _, tc := range []struct {
		age, width int
		want       string
	}{
		{67, 5, "65-69"}, {65, 5, "65-69"}, {89, 5, "85-89"}, {90, 5, "90+"}, {97, 5, "90+"},
		{67, 10, "60-69"}, {97, 10, "90+"}, {67, 20, "60-79"}, {85, 20, "80+"}, {-1, 5, "0-4"},
	} {
		if got := AgeBand(tc.age, tc.width); got != tc.want {
			t.Errorf("AgeBand(%d, %d) = %q, want %q", tc.age, tc.width, got, tc.want)
		}
	}
}

// classSizes counts the residents sharing each published combination of
// quasi-identifiers.
func classSizes(values [][]string) map[string]int {
	out := map[string]int{}
	for _, v := range values {
		if v != nil {
			out[strings.Join(v, "|")]++
		}
	}
	return out
}

func assertKAnonymous(t *testing.T, an anonymised, k int) {
	t.Helper()
	sizes := classSizes(an.values)
	smallest := 0
	for key, n := range sizes {
		if n < k {
			t.Errorf("combination %s is shared by %d residents, fewer than k = %d", key, n, k)
		}
		if smallest == 0 || n < smallest {
			smallest = n
		}
	}
	d := an.disclosure
	if d.Classes != len(sizes) || d.SmallestClass != smallest || d.HighestRisk != 1/float64(smallest) ||
		d.AverageRisk != float64(len(sizes))/float64(d.Residents) {
		t.Errorf("disclosure report %+v does not match the %d classes (smallest %d) of the output", d, len(sizes), smallest)
	}
}

// TestSingle97YearOld is the dataset built to break k-anonymity: one
// 97-year-old, the only resident of a small borough with a rare device,
// among residents who are otherwise alike.
func TestSingle97YearOld(t *testing.T) {
	enrolled := ateval.NewDate(2026, 3, 2)
	var subjects []Subject
	for i := 0; i < 200; i++ {
		subjects = append(subjects, Subject{Pseudonym: fmt.Sprint("ps_", i), Borough: "camden", YearOfBirth: 1946 + i%10,
			Sex: devices.Sexes()[i%2], EthnicGroup: devices.EthnicWhite, Group: devices.Intervention, EnrolledOn: enrolled,
			DeviceCategory: "community-alarm", LivingAlone: i%2 == 0})
	}
	old := Subject{Pseudonym: "ps_old", Borough: "city-of-london", YearOfBirth: 1929, Sex: devices.SexOther,
		EthnicGroup: devices.EthnicMixed, Group: devices.Intervention, EnrolledOn: enrolled, DeviceCategory: "epilepsy-monitor"}
	subjects = append(subjects, old)
	for _, k := range []int{2, 5, 11} {
		an, err := anonymise(subjects, k, DefaultMaxSuppression, nil, boroughScope{})
		if err != nil {
			t.Fatal(err)
		}
		assertKAnonymous(t, an, k)
		v := an.values[len(subjects)-1]
		if v == nil {
			continue // removed altogether: not singled out either
		}
		for j, x := range v {
			if x == "city-of-london" || x == "97" || x == "other" || x == "mixed" || x == "epilepsy-monitor" {
				t.Errorf("k=%d: the 97-year-old's %s is published as %q", k, qis()[j].name, x)
			}
		}
		if an.disclosure.Residents+an.disclosure.Removed != len(subjects) {
			t.Errorf("k=%d: %d exported and %d removed of %d", k, an.disclosure.Residents, an.disclosure.Removed, len(subjects))
		}
		if an.disclosure.ValuesSuppressed == 0 {
			t.Errorf("k=%d: nothing suppressed, yet the 97-year-old is unique", k)
		}
	}
}

// TestAnonymiseRandom checks k-anonymity on many random populations,
// small and skewed ones included, where the search and local suppression
// have to work hardest.
func TestAnonymiseRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	boroughs := []string{"camden", "sutton", "brent", "city-of-london"}
	cats := append([]string{""}, "community-alarm", "fall-detector", "gps-location", "bed-chair-sensor", "video-carephone")
	for trial := 0; trial < 60; trial++ {
		n, k := 5+r.IntN(400), 2+r.IntN(9)
		var subjects []Subject
		for i := 0; i < n; i++ {
			subjects = append(subjects, Subject{Pseudonym: fmt.Sprint("ps_", i), Borough: boroughs[r.IntN(1+r.IntN(len(boroughs)))], YearOfBirth: 1920 + r.IntN(70),
				Sex: devices.Sexes()[r.IntN(4)], EthnicGroup: devices.EthnicGroups()[r.IntN(6)], LivingAlone: r.IntN(2) == 0,
				EnrolledOn: ateval.NewDate(2026, 1, 5), DeviceCategory: cats[r.IntN(len(cats))]})
		}
		an, err := anonymise(subjects, k, []float64{0, 0.05, 0.2}[trial%3], nil, boroughScope{})
		if n < k {
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Errorf("n=%d < k=%d: error %v, want EINVALID", n, k, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("n=%d k=%d: %v", n, k, err)
		}
		assertKAnonymous(t, an, k)
	}
}
