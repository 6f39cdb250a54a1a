package forms

import (
	"reflect"
	"testing"
)

// TestCheckIsValidateThenScore: Check gives what Validate and then Score
// give, for every instrument, with every item answered at its first level
// (or its least value), with each item left out in turn, and with each
// refused in turn.
func TestCheckIsValidateThenScore(t *testing.T) {
	for _, in := range Default().Instruments() {
		var full []Answer
		for _, it := range in.Items {
			v := 0.0
			switch {
			case len(it.Levels) > 0:
				v = float64(it.Levels[0].Code)
			case it.Min != nil:
				v = *it.Min
			}
			full = append(full, Answer{Item: it.ID, Value: &v})
		}
		cases := [][]Answer{full}
		for i := range full {
			cases = append(cases, append(append([]Answer(nil), full[:i]...), full[i+1:]...))
			refused := append([]Answer(nil), full...)
			refused[i] = Answer{Item: full[i].Item, Missing: Refused}
			cases = append(cases, refused)
		}
		for _, answers := range cases {
			scores, err := in.Check(answers)
			wantErr := in.Validate(answers)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("%s %s: Check's error %v, Validate's %v", in.ID, FormatAnswers(answers), err, wantErr)
			}
			if err != nil {
				continue
			}
			if want := in.Score(answers); !reflect.DeepEqual(scores, want) {
				t.Errorf("%s %s: Check's scores %+v, Score's %+v", in.ID, FormatAnswers(answers), scores, want)
			}
		}
	}
}
