package reports

import (
	"bytes"
	"os"
	"path/filepath"
)

// WriteDir writes the report's four outputs under dir: results.json,
// charts/*.png, index.html and report.pdf.
func WriteDir(dir string, r *Report) error {
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), b.Bytes(), 0o644); err != nil {
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
	b.Reset()
	if err := r.WriteHTML(&b); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), b.Bytes(), 0o644); err != nil {
		return err
	}
	b.Reset()
	if err := r.WritePDF(&b); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.pdf"), b.Bytes(), 0o644)
}
