package reports

import (
	"math"
	"strings"
	"testing"
)

// TestUprate: prices are carried to 2024/25 by the product of the NHSCII
// pay and prices changes into each later year. The expected factors were
// worked by hand from the committed rates (data/nhscii.json):
//
//	2022/23 → 2024/25: 1.0247 × 1.0402 = 1.06589294
//	2023/24 → 2024/25: 1.0402
//	2015/16 → 2024/25: 1.0209 × 1.0124 × 1.0160 × 1.0214 × 1.0249 ×
//	                   1.0258 × 1.0732 × 1.0247 × 1.0402 = 1.2899216716… (exact decimal product)
//
// and the prices from them: £3,500 × 1.06589294 = £3,730.62529;
// £28 × 1.06589294 = £29.84500232.
func TestUprate(t *testing.T) {
	ix := DefaultIndex()
	if ix.PriceYear != "2024/25" {
		t.Fatalf("price year %s", ix.PriceYear)
	}
	for _, c := range []struct {
		from string
		want float64
	}{
		{"2024/25", 1},
		{"2023/24", 1.0402},
		{"2022/23", 1.06589294},
		{"2015/16", 1.0209 * 1.0124 * 1.0160 * 1.0214 * 1.0249 * 1.0258 * 1.0732 * 1.0247 * 1.0402},
	} {
		got, err := ix.Factor(c.from)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Factor(%s) = %.10f (%v), want %.10f", c.from, got, err, c.want)
		}
	}
	if f, _ := ix.Factor("2015/16"); math.Abs(f-1.2899216716) > 1e-10 {
		t.Errorf("Factor(2015/16) = %.7f, want 1.2899216716 as worked by hand", f)
	}
	for _, bad := range []string{"2004", "2014/15", "2025/26", "22/23"} {
		if _, err := ix.Factor(bad); err == nil {
			t.Errorf("Factor(%q) uprated a year the index does not cover", bad)
		}
	}

	uc := DefaultUnitCosts()
	uc.Uprate(ix)
	want := map[string]float64{"hospital_admission": 3730.62529, "home_care_hour": 29.84500232, "fall_ambulance": 145.83}
	for _, c := range uc.Items {
		if math.Abs(c.Uprated-want[c.ID]) > 1e-6 {
			t.Errorf("%s: £%.8f at 2024/25 prices, want £%.8f", c.ID, c.Uprated, want[c.ID])
		}
	}
	fall, _ := uc.get("fall_ambulance")
	if fall.Factor != 0 || !strings.Contains(fall.NotUprated, "Not uprated: its price year, 2004, is before 2015/16, where the index starts") {
		t.Errorf("the 2004 ambulance cost, which the index does not reach: %+v", fall)
	}
	text := uc.priceYearText()
	for _, w := range []string{"at 2024/25 prices", "NHS Cost Inflation Index", "provisional", "ambulance attendance at a fall of an older person at home (2004 prices)"} {
		if !strings.Contains(text, w) {
			t.Errorf("the costs section says %q, without %q", text, w)
		}
	}
	// The default table itself is left at its sources' prices.
	if p, _ := DefaultUnitCosts().get("hospital_admission"); p.Uprated != 0 || p.Pounds != 3500 {
		t.Errorf("DefaultUnitCosts changed: %+v", p)
	}
}
