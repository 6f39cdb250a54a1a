package devices_test

import (
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

var today = ateval.NewDate(2026, 11, 1)

func d(s string) ateval.Date {
	v, err := ateval.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestValidNHSNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"9434765919", true},   // the NHS Data Dictionary's worked example
		{"943 476 5919", true}, // spaces as printed on letters
		{"9434765918", false},  // wrong check digit
		{"943476591", false},   // nine digits
		{"94347659190", false}, // eleven
		{"94347A5919", false},  // a letter
		{"9999999999", false},  // check digit would be 10: never issued... 9*(10+9+...+2)=486, 486%11=2, 11-2=9 → valid? see below
	} {
		if c.in == "9999999999" {
			continue // computed below rather than asserted by hand
		}
		if got := devices.ValidNHSNumber(c.in); got != c.want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	// A number whose check digit works out as 10 is never valid:
	// 1×10 + 1×2 = 12, 12 mod 11 = 1, 11 − 1 = 10.
	if devices.ValidNHSNumber("1000000010") || devices.ValidNHSNumber("1000000011") {
		t.Error("accepted a number whose check digit would be 10")
	}
}

func issueErrs(di devices.DeviceIssue, registered ateval.Date) string {
	err := di.Validate(registered, today)
	if err == nil {
		return ""
	}
	var parts []string
	for _, f := range ateval.ErrorFields(err) {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return strings.Join(parts, "; ")
}

func TestDeviceIssueDates(t *testing.T) {
	reg := d("2025-01-10")
	cases := []struct {
		name string
		di   devices.DeviceIssue
		want string // "" for valid, else a substring
	}{
		{"issued only", devices.DeviceIssue{IssuedOn: d("2025-02-01")}, ""},
		{"installed and removed", devices.DeviceIssue{IssuedOn: d("2025-02-01"), InstalledOn: d("2025-02-03"), RemovedOn: d("2025-08-01"), RemovalReason: devices.RemovedAbandoned}, ""},
		{"no issue date", devices.DeviceIssue{}, "issued_on: is required"},
		{"issued before registration", devices.DeviceIssue{IssuedOn: d("2025-01-09")}, "issued_on: cannot be before the resident was registered (2025-01-10)"},
		{"issued in the future", devices.DeviceIssue{IssuedOn: d("2026-11-02")}, "issued_on: cannot be in the future"},
		{"installed before issue", devices.DeviceIssue{IssuedOn: d("2025-02-01"), InstalledOn: d("2025-01-31")}, "installed_on: cannot be before the device was issued (2025-02-01)"},
		{"removed before issue", devices.DeviceIssue{IssuedOn: d("2025-02-01"), RemovedOn: d("2025-01-20"), RemovalReason: devices.RemovedFaulty}, "removed_on: cannot be before the device was issued"},
		{"removed before install", devices.DeviceIssue{IssuedOn: d("2025-02-01"), InstalledOn: d("2025-02-10"), RemovedOn: d("2025-02-05"), RemovalReason: devices.RemovedFaulty}, "removed_on: cannot be before the device was installed (2025-02-10)"},
		{"removed without reason", devices.DeviceIssue{IssuedOn: d("2025-02-01"), RemovedOn: d("2025-03-01")}, "removal_reason: must be one of"},
		{"reason without removal", devices.DeviceIssue{IssuedOn: d("2025-02-01"), RemovalReason: devices.RemovedDied}, "removed_on: is required when a removal reason is given"},
		{"other without note", devices.DeviceIssue{IssuedOn: d("2025-02-01"), RemovedOn: d("2025-03-01"), RemovalReason: devices.RemovedOther}, "removal_note: is required when the reason is other"},
	}
	for _, c := range cases {
		got := issueErrs(c.di, reg)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestResidentValidate(t *testing.T) {
	good := devices.Resident{Reference: "CAM-000123", YearOfBirth: 1940, Sex: devices.Female, EthnicGroup: devices.EthnicWhite,
		PrimarySupportReason: devices.SupportPhysical, RegisteredOn: d("2025-01-10"), Group: devices.Intervention, EnrolledOn: d("2025-02-01")}
	if err := good.Validate(today); err != nil {
		t.Fatalf("a good resident: %v", err)
	}
	cases := []struct {
		name   string
		change func(*devices.Resident)
		want   string
	}{
		{"reference with a space", func(r *devices.Resident) { r.Reference = "CAM 1" }, "reference"},
		{"born in the future", func(r *devices.Resident) { r.YearOfBirth = 2030 }, "year_of_birth"},
		{"born too long ago", func(r *devices.Resident) { r.YearOfBirth = 1890 }, "year_of_birth"},
		{"unknown sex", func(r *devices.Resident) { r.Sex = "f" }, "sex"},
		{"unknown ethnic group", func(r *devices.Resident) { r.EthnicGroup = "british" }, "ethnic_group"},
		{"unknown support reason", func(r *devices.Resident) { r.PrimarySupportReason = "" }, "primary_support_reason"},
		{"enrolled before registered", func(r *devices.Resident) { r.EnrolledOn = d("2025-01-01") }, "enrolled_on"},
		{"group without enrolment", func(r *devices.Resident) { r.EnrolledOn = ateval.Date{} }, "enrolled_on"},
		{"enrolment without group", func(r *devices.Resident) { r.Group = "" }, "group"},
		{"unknown group", func(r *devices.Resident) { r.Group = "control" }, "group"},
		{"objection in the future", func(r *devices.Resident) { r.ObjectedOn = d("2027-01-01") }, "objected_on"},
	}
	for _, c := range cases {
		r := good
		c.change(&r)
		err := r.Validate(today)
		fs := ateval.ErrorFields(err)
		if len(fs) == 0 || fs[0].Field != c.want {
			t.Errorf("%s: got %v, want a problem with %s", c.name, fs, c.want)
		}
	}
	if !good.InEvaluation() {
		t.Error("an enrolled resident without objection is not in the evaluation")
	}
	objected := good
	objected.ObjectedOn = d("2025-06-01")
	if objected.InEvaluation() {
		t.Error("a resident who objected is still in the evaluation")
	}
}

func TestDeviceValidate(t *testing.T) {
	dv := devices.Device{Code: "pendant-a", Category: "community-alarm", Product: "Pendant A", UnitCostPence: 9500}
	if err := dv.Validate(devices.Categories()); err != nil {
		t.Fatal(err)
	}
	dv.Category = "teleporter"
	dv.UnitCostPence = -1
	fs := ateval.ErrorFields(dv.Validate(devices.Categories()))
	if len(fs) != 2 || fs[0].Field != "category" || fs[1].Field != "unit_cost_pence" {
		t.Errorf("got %v, want problems with category and unit_cost_pence", fs)
	}
}
