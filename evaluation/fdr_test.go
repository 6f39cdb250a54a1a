package evaluation

import (
	"math"
	"testing"
)

// TestBH checks BH against R 4's p.adjust (stats), printed with
// print(..., digits = 15).
func TestBH(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		p    []float64
		want []float64
	}{
		// p <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.9, NA, 0.04)
		// p.adjust(p, "BH")
		{"ties, NA and unsorted", []float64{0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.9, nan, 0.04},
			[]float64{0.045, 0.072, 0.072, 0.045, 0.257142857142857, 0.5625, 0.0735, 0.9, nan, 0.072}},
		// p2 <- c(0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298,
		//         0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1)
		// p.adjust(p2, "BH")
		{"fifteen sorted", []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1},
			[]float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571428571429, 0.0638571428571429, 0.0645, 0.0765, 0.486, 0.581181818181818, 0.714875, 0.753230769230769, 0.813214285714286, 1}},
		{"empty", nil, []float64{}},
	} {
		got := BH(c.p)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d q-values, want %d", c.name, len(got), len(c.want))
		}
		for i := range got {
			if math.IsNaN(c.want[i]) != math.IsNaN(got[i]) || math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: q[%d] = %.15g, want %.15g", c.name, i, got[i], c.want[i])
			}
		}
	}
}
