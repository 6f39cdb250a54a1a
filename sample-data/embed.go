package sampledata

import (
	"embed"
	"io/fs"
)

// committed holds the default sample dataset, so that `ateval demo` loads
// it from any working directory.
//
//go:embed boroughs.csv devices.csv residents.csv device_issues.csv assessments.csv
var committed embed.FS

// Committed returns the committed sample's CSV files; importer.FromFS
// turns them into an import.
func Committed() fs.FS { return committed }
