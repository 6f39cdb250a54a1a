package sampledata

import (
	"math"
	"slices"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// residentInfo is what the checks of issues and assessments need of a
// resident.
type residentInfo struct {
	group      devices.Group
	registered ateval.Date
	enrolled   ateval.Date
	issues     []map[string]string
	// left is the date a resident died or moved, seen in device removals.
	left ateval.Date
}

func residentsByKey(t *testing.T, d *dataset) map[string]*residentInfo {
	m := map[string]*residentInfo{}
	for _, row := range d.residents {
		m[row["borough"]+"/"+row["resident_ref"]] = &residentInfo{group: devices.Group(row["group"]), registered: date(t, row["registered_on"]), enrolled: date(t, row["enrolled_on"])}
	}
	return m
}

func TestDeviceIssues(t *testing.T) {
	t.Run("default", func(t *testing.T) { checkDeviceIssues(t, loadDefault(t)) })
	t.Run("london", func(t *testing.T) { d, _ := largeSample(t); checkDeviceIssues(t, d) })
}

func checkDeviceIssues(t *testing.T, d *dataset) {
	asOf := AsOf()
	res := residentsByKey(t, d)
	category := map[string]string{}
	for _, row := range d.devs {
		category[row["device"]] = row["category"]
	}
	reasons := map[string]int{}
	abandoned, issued := map[string]int{}, map[string]int{}
	for _, row := range d.issues {
		key := row["borough"] + "/" + row["resident_ref"]
		r, ok := res[key]
		if !ok {
			t.Fatalf("device issue for unknown resident %s", key)
		}
		if _, ok := category[row["device"]]; !ok {
			t.Errorf("%s: unknown device %s", key, row["device"])
		}
		di := devices.DeviceIssue{IssuedOn: date(t, row["issued_on"]), InstalledOn: date(t, row["installed_on"]), RemovedOn: date(t, row["removed_on"]), RemovalReason: devices.RemovalReason(row["removal_reason"]), RemovalNote: row["removal_note"]}
		if err := di.Validate(r.registered, asOf); err != nil {
			t.Errorf("%s: %v", key, err)
		}
		if !di.InstalledOn.IsZero() && di.InstalledOn.DaysSince(di.IssuedOn) > 14 {
			t.Errorf("%s: installed %d days after issue", key, di.InstalledOn.DaysSince(di.IssuedOn))
		}
		if di.RemovalReason != devices.RemovedOther && di.RemovalNote != "" {
			t.Errorf("%s: a note without reason other", key)
		}
		switch di.RemovalReason {
		case devices.RemovedDied, devices.RemovedMoved, devices.RemovedResidentialCare:
			if !r.left.IsZero() && r.left != di.RemovedOn {
				t.Errorf("%s: devices removed for leaving on two dates", key)
			}
			r.left = di.RemovedOn
		}
		r.issues = append(r.issues, row)
		reasons[row["removal_reason"]]++
		issued[category[row["device"]]]++
		if di.RemovalReason == devices.RemovedAbandoned {
			abandoned[category[row["device"]]]++
		}
	}
	for key, r := range res {
		n := len(r.issues)
		switch {
		case r.group == devices.Comparison && n > 0:
			t.Errorf("%s: comparison resident with %d devices", key, n)
		case r.group == devices.Intervention && (n < 1 || n > 3):
			t.Errorf("%s: intervention resident with %d devices, want 1 to 3", key, n)
		case r.group == devices.Intervention && r.issues[0]["issued_on"] != r.enrolled.String():
			t.Errorf("%s: first device issued %s, enrolled %s", key, r.issues[0]["issued_on"], r.enrolled)
		}
	}
	for _, reason := range devices.RemovalReasons() {
		if reasons[string(reason)] == 0 {
			t.Errorf("no device removed as %s", reason)
		}
	}
	rate := func(c string) float64 { return float64(abandoned[c]) / float64(issued[c]) }
	if rate("gps-location") < 3*rate("community-alarm") || rate("voice-assistant") < 3*rate("community-alarm") {
		t.Errorf("abandonment: GPS %.2f, voice %.2f, alarms %.2f; want GPS and voice assistants abandoned far more", rate("gps-location"), rate("voice-assistant"), rate("community-alarm"))
	}
}

// itemRanges are the ranges of the sample's items, stated here apart from
// the generator.
func itemRange(item string) (lo, hi float64, whole bool) {
	switch {
	case item == "eq5d5l_vas":
		return 0, 100, true
	case item == "events_home_care_hours":
		return 0, 168, false
	case item == "events_period_days":
		return 1, 400, true
	case item == "events_source":
		return 1, 2, true
	case item == "events_care_home_admission", item == "events_death", item == "device_use_in_use":
		return 0, 1, true
	case item == "device_use_stop_reason":
		return 1, 6, true
	case slices.Contains([]string{"events_falls", "events_hospital_admissions", "events_ae_visits", "events_gp_contacts"}, item):
		return 0, 200, true
	case len(item) > 5 && item[:5] == "ons4_":
		return 0, 10, true
	case len(item) > 7 && item[:7] == "eq5d5l_", len(item) > 8 && item[:8] == "swemwbs_", len(item) > 11 && item[:11] == "device_use_":
		return 1, 5, true
	case len(item) > 6 && item[:6] == "ucla3_":
		return 1, 3, true
	case len(item) > 12 && item[:12] == "short_fes_i_":
		return 1, 4, true
	}
	return math.NaN(), math.NaN(), false
}

func TestAssessments(t *testing.T) {
	t.Run("default", func(t *testing.T) { checkAssessments(t, loadDefault(t)) })
	t.Run("london", func(t *testing.T) { d, _ := largeSample(t); checkAssessments(t, d) })
}

func checkAssessments(t *testing.T, d *dataset) {
	asOf := AsOf()
	res := residentsByKey(t, d)
	for _, row := range d.issues {
		switch devices.RemovalReason(row["removal_reason"]) {
		case devices.RemovedDied, devices.RemovedMoved, devices.RemovedResidentialCare:
			res[row["borough"]+"/"+row["resident_ref"]].left = date(t, row["removed_on"])
		}
	}
	fw := forms.Default()
	items, missing := 0, 0
	baselines, m12 := map[string]bool{}, map[string]bool{}
	for _, row := range d.assessmentsByWhole {
		key := row["borough"] + "/" + row["resident_ref"]
		r, ok := res[key]
		if !ok {
			t.Fatalf("assessment of unknown resident %s", key)
		}
		on, tp := date(t, row["assessed_on"]), forms.Timepoint(row["timepoint"])
		where := key + " " + row["instrument"] + " " + row["timepoint"]
		if on.After(asOf) || on.Before(r.registered) {
			t.Errorf("%s: assessed on %s", where, on)
		}
		if !r.left.IsZero() && on.After(r.left) {
			t.Errorf("%s: assessed on %s after leaving on %s", where, on, r.left)
		}
		if !tp.Valid() || row["framework_version"] != FrameworkVersion {
			t.Errorf("%s: bad timepoint or framework version", where)
		}
		// The day within the timepoint's window.
		days := on.DaysSince(r.enrolled)
		window := map[forms.Timepoint][2]int{forms.Baseline: {-7, 0}, forms.Week6: {28, 56}, forms.Month3: {61, 121}, forms.Month6: {152, 212}, forms.Month12: {335, 395}}[tp]
		if days < window[0] || days > window[1] {
			t.Errorf("%s: %d days after enrolment, outside %v", where, days, window)
		}
		in, ok := fw.Instrument(row["instrument"])
		if !ok {
			t.Fatalf("%s: unknown instrument", where)
		}
		if !slices.Contains(in.Respondents, forms.Respondent(row["respondent"])) {
			t.Errorf("%s: respondent %s may not answer %s", where, row["respondent"], in.ID)
		}
		answers, err := forms.ParseAnswers(row["answers"])
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if err := in.Validate(answers); err != nil {
			t.Errorf("%s: %v", where, err)
		}
		if forms.FormatAnswers(answers) != row["answers"] {
			t.Errorf("%s: answers not in forms.FormatAnswers form", where)
		}
		vals := map[string]float64{}
		for _, a := range answers {
			items++
			if a.Value == nil {
				missing++
				continue
			}
			v := *a.Value
			vals[a.Item] = v
			lo, hi, whole := itemRange(a.Item)
			if !(v >= lo && v <= hi) || (whole && v != math.Trunc(v)) {
				t.Errorf("%s: %s = %v outside %v..%v", where, a.Item, v, lo, hi)
			}
		}
		switch row["instrument"] {
		case "device-use":
			if r.group != devices.Intervention || tp == forms.Baseline {
				t.Errorf("%s: device use asked of a %s resident at %s", where, r.group, tp)
			}
			_, freq := vals["device_use_frequency"]
			_, stop := vals["device_use_stop_reason"]
			if (vals["device_use_in_use"] == 1 && stop) || (vals["device_use_in_use"] == 0 && freq) {
				t.Errorf("%s: device-use items answered against the skip rules", where)
			}
		case "events":
			if tp == forms.Baseline && vals["events_period_days"] != 90 {
				t.Errorf("%s: baseline events cover %v days, want 90", where, vals["events_period_days"])
			}
			if (vals["events_source"] == 2) != (row["respondent"] == "record") {
				t.Errorf("%s: source %v from respondent %s", where, vals["events_source"], row["respondent"])
			}
		}
		if tp == forms.Baseline {
			baselines[key] = true
		}
		if tp == forms.Month12 {
			m12[key] = true
		}
	}
	if share := float64(missing) / float64(items); share < 0.01 || share > 0.05 {
		t.Errorf("%.3f of items missing, want 2-5%% of questionnaire items", share)
	}
	// Attrition: of residents whose m12 window has closed, a realistic
	// share has no m12 assessment.
	due, lost := 0, 0
	for key, r := range res {
		if !baselines[key] {
			t.Errorf("%s has no baseline assessment", key)
		}
		if !r.enrolled.AddDays(395).After(asOf) {
			due++
			if !m12[key] {
				lost++
			}
		}
	}
	if share := float64(lost) / float64(due); due < 300 || share < 0.15 || share > 0.45 {
		t.Errorf("%d of %d residents due at m12 have no m12 assessment (%.2f); want 15-35%% attrition plus missed visits", lost, due, share)
	}
}
