package storage

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/ateval/ateval/forms"
)

// An assessment's scores live on its row as one JSON object keyed by score
// name (schemaV8 describes the form). appendScores writes it; scoresOf reads
// it back; scoreValue reads one value inside a query.

// storedScore is one score in the assessments.scores column.
type storedScore struct {
	V  *float64 `json:"v"`
	M  string   `json:"m"`
	NS string   `json:"ns,omitempty"`
}

// appendScores appends scores as the column's JSON object, in their order.
func appendScores(b []byte, scores []forms.Score) []byte {
	b = append(b, '{')
	for i, s := range scores {
		if i > 0 {
			b = append(b, ',')
		}
		v, ns := stored(s)
		b = appendJSONString(b, s.Name)
		b = append(b, `:{"v":`...)
		b = appendJSONNumber(b, v)
		b = append(b, `,"m":`...)
		b = appendJSONString(b, s.Method)
		if ns != "" {
			b = append(b, `,"ns":`...)
			b = appendJSONString(b, ns)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// stored returns a score's value and its reason for none as the column
// holds them: a value JSON cannot hold (NaN or an infinity, which no
// scoring rule makes) is stored as none, with the reason, rather than
// failing the write.
func stored(s forms.Score) (*float64, string) {
	if s.Value != nil && (math.IsNaN(*s.Value) || math.IsInf(*s.Value, 0)) {
		return nil, "the score was not a finite number"
	}
	return s.Value, s.NotScorable
}

// unscored counts the scores stored without a value: the
// assessments.unscored column.
func unscored(scores []forms.Score) int {
	n := 0
	for _, s := range scores {
		if v, _ := stored(s); v == nil {
			n++
		}
	}
	return n
}

// scoresOf reads the column back, in order of name: the order the pages
// and exports have always shown.
func scoresOf(column string) ([]forms.Score, error) {
	var m map[string]storedScore
	if err := json.Unmarshal([]byte(column), &m); err != nil {
		return nil, fmt.Errorf("scores: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make([]forms.Score, 0, len(m))
	for name, s := range m {
		out = append(out, forms.Score{Name: name, Value: s.V, Method: s.M, NotScorable: s.NS})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
