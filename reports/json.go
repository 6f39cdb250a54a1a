package reports

import (
	"encoding/json"
	"io"

	"github.com/ateval/ateval/evaluation"
)

// jsonNumber is evaluation.Float: null for a withheld or undefined figure.
type jsonNumber = evaluation.Float

// WriteJSON writes results.json: every number of the report.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
