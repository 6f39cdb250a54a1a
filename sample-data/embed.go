package sampledata

import (
	"embed"
	"encoding/csv"
	"io/fs"
	"slices"

	"github.com/ateval/ateval"
)

// committed holds the default sample dataset, so that `ateval demo` loads
// it from any working directory.
//
//go:embed boroughs.csv devices.csv residents.csv device_issues.csv assessments.csv
var committed embed.FS

// Committed returns the committed sample's CSV files; importer.FromFS
// turns them into an import.
func Committed() fs.FS { return committed }

// EnrolmentDays returns, from the committed sample's residents.csv, each
// borough's days of enrolment, in file order, of the residents of group
// ("" for every group): the days an attack test isolates one resident on,
// by a filter of one day.
func EnrolmentDays(group string) (map[string][]ateval.Date, error) {
	f, err := committed.Open("residents.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string][]ateval.Date{}
	for _, rec := range recs[1:] {
		d, err := ateval.ParseDate(rec[col["enrolled_on"]])
		if err != nil || group != "" && rec[col["group"]] != group {
			continue
		}
		b := rec[col["borough"]]
		if !slices.Contains(out[b], d) {
			out[b] = append(out[b], d)
		}
	}
	return out, nil
}
