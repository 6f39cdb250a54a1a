package sampledata

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"

	"github.com/ateval/ateval"
)

// randomisedTrials is the sample's record of which boroughs allocated
// residents at random (ateval.RandomisedTrial), kept by hand beside the
// generated files: in the generating model every borough's allocation to
// the comparison group is a random draw, and these three boroughs are the
// ones said to have run it as a trial of fall detectors, so that the
// sample's report shows a comparison that starts at high certainty.
//
//go:embed design/randomised_trials.csv
var randomisedTrials []byte

// Trials returns the sample's randomised trials.
func Trials() ([]ateval.RandomisedTrial, error) {
	rows, err := csv.NewReader(bytes.NewReader(randomisedTrials)).ReadAll()
	if err != nil {
		return nil, err
	}
	var out []ateval.RandomisedTrial
	for i, r := range rows[1:] {
		if len(r) != 4 {
			return nil, fmt.Errorf("design/randomised_trials.csv row %d: %d columns, want 4", i+2, len(r))
		}
		t := ateval.RandomisedTrial{Borough: r[0], DeviceCategory: r[1]}
		if t.From, err = ateval.ParseDate(r[2]); err != nil {
			return nil, fmt.Errorf("design/randomised_trials.csv row %d: from: %w", i+2, err)
		}
		if t.To, err = ateval.ParseDate(r[3]); err != nil {
			return nil, fmt.Errorf("design/randomised_trials.csv row %d: to: %w", i+2, err)
		}
		out = append(out, t)
	}
	return out, nil
}
