package reports

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// jsonNumber is a float64 that JSON writes as null when it is NaN or
// infinite: a withheld or undefined figure.
type jsonNumber float64

func (f jsonNumber) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jsonNumber) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonNumber(math.NaN())
		return nil
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*f = jsonNumber(x)
	return err
}

// WriteJSON writes results.json: every number of the report.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
