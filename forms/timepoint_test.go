package forms

import "testing"

func TestTimepointLabel(t *testing.T) {
	for _, c := range []struct {
		tp   Timepoint
		want string
	}{{Baseline, "Baseline"}, {Week6, "6 weeks"}, {Month3, "3 months"}, {Month6, "6 months"}, {Month12, "12 months"}, {"m9", "m9"}} {
		if got := c.tp.Label(); got != c.want {
			t.Errorf("%q.Label() = %q, want %q", c.tp, got, c.want)
		}
	}
	for _, tp := range Timepoints() {
		if tp.Label() == string(tp) {
			t.Errorf("timepoint %q has no label", tp)
		}
	}
}
