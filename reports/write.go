package reports

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// WriteDir writes the report's four outputs under dir: results.json,
// charts/*.png, index.html and report.pdf.
//
// Each file is written as it is made, through a buffer, not made whole in
// memory first: at a million assessments the page is 25 MB and the PDF
// 17 MB, and holding each in a growing buffer (with the copies its
// growing leaves) set the Go heap's peak. Each is written under a
// temporary name and renamed when complete, so that a failure leaves no
// half-written file in place of a whole one.
func WriteDir(dir string, r *Report) error {
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "results.json"), r.WriteJSON); err != nil {
		return err
	}
	if err := drawAll(r.Charts); err != nil {
		return err
	}
	for _, c := range r.Charts {
		png, err := c.PNG()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "charts", c.Name), png, 0o644); err != nil {
			return err
		}
	}
	if err := writeFile(filepath.Join(dir, "index.html"), r.WriteHTML); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "report.pdf"), r.WritePDF)
}

// writeFile writes path with write, through a buffer, into a temporary
// file beside it that is renamed to path once complete, readable by all
// as os.WriteFile's 0644 made it.
func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
