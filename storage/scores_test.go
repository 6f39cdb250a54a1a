package storage

import (
	"math"
	"reflect"
	"testing"

	"github.com/ateval/ateval/forms"
)

// TestScoresColumnRoundTrip: the scores column reads back as written (in
// order of name), names and reasons needing escapes included; a value JSON
// cannot hold is stored as none with its reason, and counted as unscored
// like a score that has none.
func TestScoresColumnRoundTrip(t *testing.T) {
	v, nan := 25.5, math.NaN()
	in := []forms.Score{
		{Name: "raw", Value: &v, Method: "swemwbs-raw/1"},
		{Name: "metric", Method: "m/1", NotScorable: "item \"3\"\tmissing\\é"},
		{Name: "bad", Value: &nan, Method: "b/1"},
	}
	got, err := scoresOf(string(appendScores(nil, in)))
	if err != nil {
		t.Fatal(err)
	}
	want := []forms.Score{
		{Name: "bad", Method: "b/1", NotScorable: "the score was not a finite number"},
		{Name: "metric", Method: "m/1", NotScorable: "item \"3\"\tmissing\\é"},
		{Name: "raw", Value: &v, Method: "swemwbs-raw/1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	if n := unscored(in); n != 2 {
		t.Errorf("unscored = %d, want 2", n)
	}
	if got, err := scoresOf(string(appendScores(nil, nil))); err != nil || got != nil {
		t.Errorf("no scores read back as %+v, %v", got, err)
	}
}
