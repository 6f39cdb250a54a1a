package evaluation

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

func TestPooledJSON(t *testing.T) {
	p, err := Pool(bcg, Options{Method: FE})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"k", "method", "test", "estimate", "se", "ci_lower", "ci_upper", "p_value", "tau2",
		"tau2_ci_lower", "tau2_ci_upper", "i2", "h2", "q", "q_df", "q_p", "pi_lower", "pi_upper", "converged"}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	if m["tau2_ci_lower"] != nil || m["method"] != "FE" || m["k"] != 13.0 {
		t.Errorf("got %s", b)
	}
	var back Pooled
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Estimate != p.Estimate || !math.IsNaN(back.Tau2CIUpper) || back.QDf != 12 || back.Converged != p.Converged {
		t.Errorf("round trip: %+v", back)
	}
}
