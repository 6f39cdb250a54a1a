package browsertest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// TestCorrectAssessment is issue 17's done-when for assessments, on the
// committed sample: a practitioner opens a recorded ONS4, is refused a
// second one at the same timepoint as soon as both are chosen and led to
// the first, corrects an answer with a reason (the original kept as a
// version), then takes it out as entered in error and sees its timepoint
// offered again.
func TestCorrectAssessment(t *testing.T) {
	site := Start(t, Options{Sample: true})
	var a forms.Assessment
	tl := site.FindResident(t, "CAM-", func(tl storage.Timeline) bool {
		if !tl.Resident.ObjectedOn.IsZero() {
			return false
		}
		for _, x := range tl.Assessments {
			if x.Instrument == "ons4" && x.Timepoint == forms.Baseline && x.Answers[3].Value != nil {
				a = x
				return true
			}
		}
		return false
	})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Visit(fmt.Sprintf("/residents/%d", tl.Resident.ID))
	b.Shots("timeline")
	b.Submit(fmt.Sprintf(`#assessments + table a[href="/assessments/%d"]`, a.ID))
	if got := b.Text("h1"); !strings.Contains(got, "ONS personal wellbeing") || !strings.Contains(got, "Baseline") {
		t.Fatalf("the assessment's page is headed %q", got)
	}
	if got := b.Text("#answers + table"); !strings.Contains(got, "Question 4") || strings.Contains(got, "ons4_") {
		t.Errorf("answers in words: %q", got)
	}
	b.Shots("assessment")

	// A second ONS4 at baseline is refused when chosen, before any answer.
	b.Visit(fmt.Sprintf("/residents/%d/assessments/new", tl.Resident.ID))
	b.Select("#instrument", "ons4")
	b.Select("#timepoint", "baseline")
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "is already recorded for this resident") {
		t.Errorf("a second baseline ONS4: summary %q", got)
	}
	if b.Exists("#item-ons4_satisfied") {
		t.Error("the questions are shown for an assessment already recorded")
	}
	b.Shots("duplicate")
	b.Submit(`#existing a`)
	if p := b.Path(); p != fmt.Sprintf("/assessments/%d", a.ID) {
		t.Fatalf("the link to the recorded assessment went to %s", p)
	}

	// A correction needs a reason; with one, the original is a version.
	b.Submit(`a[href$="/correction"]`)
	old := int(*a.Answers[3].Value)
	corrected := strconv.Itoa((old + 1) % 11)
	b.Fill("#item-ons4_anxious", corrected)
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "The reason is required") {
		t.Errorf("a correction without a reason: summary %q", got)
	}
	b.Shots("correction-error")
	b.Fill("#reason", "Anxiety was typed wrongly")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Assessment corrected") {
		t.Fatalf("after correcting: banner %q\n%s", got, b.Text("main"))
	}
	if got := b.Text("#answers + table"); !strings.Contains(got, corrected) {
		t.Errorf("answers after the correction: %q", got)
	}
	v := b.Text("#version-1")
	for _, want := range []string{"Version 1: Corrected", "practitioner.camden@demo.ateval", "Anxiety was typed wrongly"} {
		if !strings.Contains(v, want) {
			t.Errorf("the earlier version %q lacks %q", v, want)
		}
	}
	b.Shots("corrected")

	// Entered in error: out of analysis, and its timepoint offered again.
	b.Submit(`a[href$="/entered-in-error"]`)
	b.Shots("in-error-form")
	b.Fill("#reason", "Recorded for the wrong resident")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#in-error"); !strings.Contains(got, "Entered in error") {
		t.Errorf("after taking it out: %q", got)
	}
	b.Submit(`#in-error a`)
	if !b.Exists("#recorded-again") || !b.Exists("#item-ons4_satisfied") {
		t.Errorf("recording baseline again: no form, or no word of the one entered in error: %q", b.Text("main"))
	}
	b.Visit(fmt.Sprintf("/residents/%d", tl.Resident.ID))
	if got := b.Text("#assessments + table"); !strings.Contains(got, "Entered in error") {
		t.Errorf("the timeline does not mark the assessment entered in error: %q", got)
	}
}
