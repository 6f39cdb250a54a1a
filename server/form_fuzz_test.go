package server

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval/forms"
)

// FuzzAssessmentForm posts arbitrary form bodies to the assessment form's
// parsing: every instrument's items and the date input. Nothing may panic,
// and no answer that passes validation may hold a value that is not a
// finite number.
//
//	go test -run='^$' -fuzz=FuzzAssessmentForm -fuzztime=1m ./server
func FuzzAssessmentForm(f *testing.F) {
	f.Add("item.swemwbs_1=4&missing.swemwbs_2=refused&assessed_on-day=3&assessed_on-month=2&assessed_on-year=2026")
	f.Add("item.eq5d5l_vas=NaN&item.eq5d5l_mo=1")
	f.Add("item.events_home_care_hours=1,5&assessed_on-day=31&assessed_on-month=2&assessed_on-year=2025")
	f.Add("item.ons4_anxious=Inf&assessed_on-year=99999")
	gin.SetMode(gin.ReleaseMode)
	fw := forms.Default()
	f.Fuzz(func(t *testing.T, body string) {
		for _, in := range fw.Instruments() {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest("POST", "/", strings.NewReader(body))
			c.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			fm := newForm()
			fm.date(c, "assessed_on")
			answers, bad := answersFromForm(c, fm, in)
			if len(bad) > 0 || in.Validate(answers) != nil {
				continue
			}
			for _, a := range answers {
				if a.Value != nil && (math.IsNaN(*a.Value) || math.IsInf(*a.Value, 0)) {
					t.Fatalf("%s: %s = %v passed validation", in.ID, a.Item, *a.Value)
				}
			}
			in.Score(answers)
		}
	})
}
