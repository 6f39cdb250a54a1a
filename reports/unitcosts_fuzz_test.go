package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzReadUnitCosts: the unit-cost table an administrator may supply with
// --unit-costs. Whatever loads must write back and load again the same.
//
//	go test -run=^$ -fuzz=FuzzReadUnitCosts -fuzztime=1m ./reports
func FuzzReadUnitCosts(f *testing.F) {
	if b, err := json.Marshal(DefaultUnitCosts()); err == nil {
		f.Add(string(b))
	}
	f.Add(`{}`)
	f.Add(`{"items":[{"id":"x","pounds":-1}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		uc, err := ReadUnitCosts(strings.NewReader(s))
		if err != nil {
			return
		}
		out, err := json.Marshal(uc)
		if err != nil {
			t.Fatalf("a table that loaded does not write: %v", err)
		}
		if _, err := ReadUnitCosts(bytes.NewReader(out)); err != nil {
			t.Fatalf("a table that loaded does not load again after writing: %v", err)
		}
	})
}
