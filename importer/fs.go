package importer

import (
	"bytes"
	"io/fs"
)

// FromFS returns every *.csv file at the top of fsys as a Source, such as
// the committed sample (sampledata.Committed()). The files are read into
// memory; for large files on disk, open them and pass their readers.
func FromFS(fsys fs.FS) ([]Source, error) {
	names, err := fs.Glob(fsys, "*.csv")
	if err != nil {
		return nil, err
	}
	out := make([]Source, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, Source{Name: n, R: bytes.NewReader(b), Size: int64(len(b))})
	}
	return out, nil
}
