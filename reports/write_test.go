package reports

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileWholeOrNothing: a file is written whole and readable by
// all, and a write that fails half-way leaves the file before it in place
// and no temporary file behind.
func TestWriteFileWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "index.html")
	if err := writeFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("the disk is full")
	err := writeFile(path, func(w io.Writer) error {
		if _, err := w.Write(make([]byte, 1<<17)); err != nil { // more than the buffer: some reaches the file
			return err
		}
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("writeFile returned %v, want the write's error", err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "whole" {
		t.Errorf("after a failed write the file holds %q (%v), want the whole file before it", b, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v (%v), want 0644", fi.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want index.html alone", len(entries))
	}
}
