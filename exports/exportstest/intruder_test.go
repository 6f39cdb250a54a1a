package exportstest

import "testing"

// TestLink joins two small exports by hand: what each linked resident's
// record becomes, and the classes counted.
func TestLink(t *testing.T) {
	header := []string{"pseudonym", "age_band", "sex", "ethnic_group", "borough", "device_category", "living_alone", "group", "swemwbs_1_bl"}
	a := Export{Boroughs: []string{"camden", "sutton"}, Records: [][]string{header,
		{"ps_a1", "60-79", "female", "white", "*", "alarm", "yes", "intervention", "3"},
		{"ps_a2", "60-79", "female", "white", "*", "alarm", "yes", "intervention", "4"},
		{"ps_a3", "80+", "male", "ethnic_minority", "camden", "none", "no", "comparison", "5"},
		{"ps_a4", "80+", "male", "*", "camden", "none", "no", "comparison", "2"},
	}}
	b := Export{Boroughs: []string{"brent", "camden", "sutton"}, Records: [][]string{header,
		{"ps_b1", "65-69", "female", "*", "*", "community-alarm", "yes", "intervention", "3"},
		{"ps_b2", "60-64", "female", "white", "sutton", "device", "yes", "intervention", "4"},
		{"ps_b3", "80-84", "male", "asian", "camden", "none", "no", "comparison", "5"},
		{"ps_b4", "80-84", "male", "asian", "camden", "none", "no", "comparison", "5"},
		{"ps_b5", "70-74", "male", "white", "brent", "none", "no", "comparison", "1"},
	}}
	j, err := Link(a, b)
	if err != nil {
		t.Fatal(err)
	}
	// a1 and a2 link to b1 and b2; a3's answers are b3's and b4's; no
	// one has a4's. Joined: a1 is 65-69, white, a community alarm, in
	// camden or sutton; a2 60-64, white, in sutton; each alone.
	if j.Linked != 2 || j.Ambiguous != 1 || j.Unmatched != 1 || j.Residents != 7 || j.Classes != 6 || j.Smallest != 1 || j.Below(2) != 2 {
		t.Errorf("Link = %+v, Below(2) = %d; want 2 linked, 1 ambiguous, 1 unmatched, 7 residents in 6 classes (b3 and b4 alike), both linked alone", j, j.Below(2))
	}
	for _, tc := range []struct{ qi, x, y, want string }{
		{"age_band", "60-79", "65-69", "65-69"}, {"age_band", "90+", "80+", "90+"}, {"age_band", "60-64", "70-74", "60-64&70-74"},
		{"ethnic_group", "ethnic_minority", "asian", "asian"}, {"device_category", "device", "alarm", "alarm"},
		{"device_category", "community-alarm", "alarm", "community-alarm"}, {"device_category", "none", "device", "device&none"},
	} {
		if got := finer(tc.qi, tc.x, tc.y); got != tc.want {
			t.Errorf("finer(%s, %s, %s) = %s, want %s", tc.qi, tc.x, tc.y, got, tc.want)
		}
	}
}
