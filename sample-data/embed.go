package sampledata

import (
	"bytes"
	"embed"
	"io/fs"

	"github.com/ateval/ateval/importer"
)

// committed holds the default sample dataset, so that `ateval demo` loads
// it from any working directory.
//
//go:embed boroughs.csv devices.csv residents.csv device_issues.csv assessments.csv
var committed embed.FS

// Sources returns the committed sample files, ready to import.
func Sources() ([]importer.Source, error) {
	names, err := fs.Glob(committed, "*.csv")
	if err != nil {
		return nil, err
	}
	out := make([]importer.Source, 0, len(names))
	for _, n := range names {
		b, err := committed.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, importer.Source{Name: n, R: bytes.NewReader(b), Size: int64(len(b))})
	}
	return out, nil
}
