package forms_test

import (
	"fmt"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

func ExampleInstrument_Score() {
	eq, _ := forms.Default().Instrument("eq5d5l")
	answers, _ := forms.ParseAnswers("eq5d5l_mo=2;eq5d5l_sc=3;eq5d5l_ua=2;eq5d5l_pd=4;eq5d5l_ad=5;eq5d5l_vas=70")
	for _, s := range eq.Score(answers) {
		fmt.Println(s.Name, *s.Value, s.Method)
	}
	// Output:
	// index 0.247 eq5d5l-index/england-devlin-2018
	// vas 70 eq5d5l-vas/1
	// profile 23245 eq5d5l-profile/1
}

func ExampleInstrument_Validate() {
	du, _ := forms.Default().Instrument("device-use")
	answers, _ := forms.ParseAnswers("device_use_in_use=1;device_use_frequency=9;device_use_satisfaction=refused;device_use_stop_reason=3")
	for _, f := range ateval.ErrorFields(du.Validate(answers)) {
		fmt.Printf("%s %s\n", f.Field, f.Message)
	}
	// Output:
	// device_use_frequency must be a whole number from 1 to 5
	// device_use_stop_reason is only asked when device_use_in_use = 0; leave it out
}

func ExampleFramework_Schedule() {
	enrolled := ateval.NewDate(2026, time.January, 10)
	taken := []forms.Taken{{Timepoint: forms.Baseline, Instrument: "ons4", On: enrolled}}
	due, _ := forms.Default().Schedule(enrolled, taken, map[forms.Timepoint][]string{
		forms.Baseline: {"ons4"}, forms.Week6: {"ons4"},
	}, ateval.NewDate(2026, time.March, 10))
	for _, d := range due {
		fmt.Println(d.Timepoint, d.Instrument, d.WindowStart, d.WindowEnd, d.Status)
	}
	// Output:
	// baseline ons4 2025-12-11 2026-01-24 done
	// w6 ons4 2026-02-07 2026-03-07 overdue
}
