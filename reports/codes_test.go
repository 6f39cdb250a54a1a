package reports_test

import (
	"slices"
	"testing"

	"github.com/ateval/ateval/reports"
)

// TestCodesNameRecordCodes checks that the codes a resident's record
// holds, where they are not words, are among those no report may show,
// and that CodesIn finds one in a sentence but not the words the pages
// use instead.
func TestCodesNameRecordCodes(t *testing.T) {
	codes := reports.Codes()
	for _, c := range []string{"not_stated", "memory_cognition", "learning_disability", "not_applicable", "not_asked"} {
		if !slices.Contains(codes, c) {
			t.Errorf("Codes() lacks %q", c)
		}
	}
	for _, c := range []string{"female", "refused", "white"} {
		if slices.Contains(codes, c) {
			t.Errorf("Codes() holds the word %q, which prose may use", c)
		}
	}
	if got := reports.CodesIn("Support reason: memory_cognition."); !slices.Equal(got, []string{"memory_cognition"}) {
		t.Errorf("CodesIn found %v", got)
	}
	if got := reports.CodesIn("Support with memory and cognition; sex not stated."); len(got) != 0 {
		t.Errorf("CodesIn found %v in words", got)
	}
}
