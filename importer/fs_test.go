package importer_test

import (
	"io"
	"testing"
	"testing/fstest"

	"github.com/ateval/ateval/importer"
)

func TestFromFS(t *testing.T) {
	fsys := fstest.MapFS{
		"boroughs.csv":      {Data: []byte(boroughsCSV)},
		"devices.csv":       {Data: []byte(devicesCSV)},
		"notes.txt":         {Data: []byte("not a CSV")},
		"sub/residents.csv": {Data: []byte(residentsCSV)},
	}
	srcs, err := importer.FromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Name != "boroughs.csv" || srcs[1].Name != "devices.csv" {
		t.Fatalf("FromFS gave %d sources %v, want boroughs.csv and devices.csv only", len(srcs), srcs)
	}
	b, _ := io.ReadAll(srcs[0].R)
	if string(b) != boroughsCSV || srcs[0].Size != int64(len(boroughsCSV)) {
		t.Errorf("boroughs.csv read as %q (size %d)", b, srcs[0].Size)
	}
}
