package forms

import (
	"testing"

	"github.com/ateval/ateval"
)

func num(v float64) *float64 { return &v }

func ans(item string, v float64) Answer { return Answer{Item: item, Value: num(v)} }

func miss(item string, r MissingReason) Answer { return Answer{Item: item, Missing: r} }

func mustInstrument(t testing.TB, id string) *Instrument {
	t.Helper()
	in, ok := Default().Instrument(id)
	if !ok {
		t.Fatalf("no instrument %s", id)
	}
	return in
}

func TestValidate(t *testing.T) {
	swem := func(vals ...float64) []Answer {
		var a []Answer
		for i, v := range vals {
			a = append(a, ans("swemwbs_"+string(rune('1'+i)), v))
		}
		return a
	}
	tests := []struct {
		name       string
		instrument string
		answers    []Answer
		want       map[string]string // item -> message; nil means valid
	}{
		{"complete", "swemwbs", swem(1, 2, 3, 4, 5, 4, 3), nil},
		{"missing reason accepted", "swemwbs", append(swem(1, 2, 3, 4, 5, 4), miss("swemwbs_7", Refused)), nil},
		{"out of range", "swemwbs", swem(1, 2, 3, 4, 5, 4, 6), map[string]string{"swemwbs_7": "must be a whole number from 1 to 5"}},
		{"fraction", "swemwbs", swem(1, 2.5, 3, 4, 5, 4, 3), map[string]string{"swemwbs_2": "must be a whole number from 1 to 5"}},
		{"required left out", "swemwbs", swem(1, 2, 3, 4, 5, 4), map[string]string{"swemwbs_7": "is required: give a value or a missing reason (refused, not_applicable, unable, not_asked)"}},
		{"unknown item", "swemwbs", append(swem(1, 2, 3, 4, 5, 4, 3), ans("swemwbs_8", 1)), map[string]string{"swemwbs_8": "is not an item of swemwbs"}},
		{"twice", "swemwbs", append(swem(1, 2, 3, 4, 5, 4, 3), ans("swemwbs_1", 1)), map[string]string{"swemwbs_1": "is answered twice"}},
		{"both value and reason", "ucla3", []Answer{{Item: "ucla3_1", Value: num(1), Missing: Unable}, ans("ucla3_2", 1), ans("ucla3_3", 1)}, map[string]string{"ucla3_1": "has both a value and a missing reason; give one"}},
		{"neither", "ucla3", []Answer{{Item: "ucla3_1"}, ans("ucla3_2", 1), ans("ucla3_3", 1)}, map[string]string{"ucla3_1": "has neither a value nor a missing reason; give one"}},
		{"bad reason", "ucla3", []Answer{miss("ucla3_1", "forgot"), ans("ucla3_2", 1), ans("ucla3_3", 1)}, map[string]string{"ucla3_1": `missing reason "forgot" is not one of refused, not_applicable, unable, not_asked`}},
		{"ons4 range", "ons4", []Answer{ans("ons4_satisfied", 11), ans("ons4_worthwhile", 0), ans("ons4_happy", 10), ans("ons4_anxious", -1)}, map[string]string{"ons4_satisfied": "must be a whole number from 0 to 10", "ons4_anxious": "must be a whole number from 0 to 10"}},
		{"skip rule: in use", "device-use", []Answer{ans("device_use_in_use", 1), ans("device_use_frequency", 5), ans("device_use_satisfaction", 4)}, nil},
		{"skip rule: stopped", "device-use", []Answer{ans("device_use_in_use", 0), ans("device_use_satisfaction", 2), ans("device_use_stop_reason", 5)}, nil},
		{"skip rule: hidden item answered", "device-use", []Answer{ans("device_use_in_use", 1), ans("device_use_frequency", 5), ans("device_use_satisfaction", 4), ans("device_use_stop_reason", 3)}, map[string]string{"device_use_stop_reason": "is only asked when device_use_in_use = 0; leave it out"}},
		{"skip rule: shown item left out", "device-use", []Answer{ans("device_use_in_use", 0), ans("device_use_satisfaction", 2)}, map[string]string{"device_use_stop_reason": "is required: give a value or a missing reason (refused, not_applicable, unable, not_asked)"}},
		{"yes/no codes", "device-use", []Answer{ans("device_use_in_use", 2), ans("device_use_satisfaction", 2)}, map[string]string{"device_use_in_use": "must be a whole number from 0 to 1"}},
		{"decimal allowed", "events", events(30, 1, 0.5), nil},
		{"count must be whole", "events", events(30, 1.5, 12.5), map[string]string{"events_falls": "must be a whole number of at least 0"}},
		{"optional goals may be left out", "gas", []Answer{ans("gas_goal1_attainment", -1), ans("gas_goal1_weight", 3)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustInstrument(t, tt.instrument)
			err := in.Validate(tt.answers)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Fatalf("Validate = %v, want an invalid error", err)
			}
			got := map[string]string{}
			for _, f := range ateval.ErrorFields(err) {
				got[f.Field] = f.Message
			}
			for item, msg := range tt.want {
				if got[item] != msg {
					t.Errorf("%s: got %q, want %q", item, got[item], msg)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d field errors %v, want %d", len(got), got, len(tt.want))
			}
		})
	}
}

// events returns a complete events answer set.
func events(days, falls, homeCare float64) []Answer {
	return []Answer{
		ans("events_period_days", days), ans("events_source", 1), ans("events_falls", falls),
		ans("events_hospital_admissions", 0), ans("events_ae_visits", 1), ans("events_gp_contacts", 2),
		ans("events_care_home_admission", 0), ans("events_home_care_hours", homeCare), ans("events_death", 0),
	}
}

func BenchmarkValidate(b *testing.B) {
	in := mustInstrument(b, "events")
	a := events(30, 1, 7.5)
	for b.Loop() {
		if err := in.Validate(a); err != nil {
			b.Fatal(err)
		}
	}
}
