package devices_test

import (
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// TestDeviceIssueUnitAndReviews covers the rules added for the
// practitioner's register: asset tags, reviews, and the free-text limits.
func TestDeviceIssueUnitAndReviews(t *testing.T) {
	reg := d("2026-01-01")
	base := devices.DeviceIssue{IssuedOn: d("2026-02-01")}
	for _, c := range []struct {
		name string
		edit func(*devices.DeviceIssue)
		want string
	}{
		{"a tag", func(di *devices.DeviceIssue) { di.AssetTag = "CAM/FD-0042" }, ""},
		{"a tag with a space", func(di *devices.DeviceIssue) { di.AssetTag = "FD 42" }, "asset_tag: must be 1 to 40"},
		{"a tag too long", func(di *devices.DeviceIssue) { di.AssetTag = strings.Repeat("A", 41) }, "asset_tag: must be 1 to 40"},
		{"a review in time", func(di *devices.DeviceIssue) { di.Reviews = []devices.Review{{On: d("2026-03-01")}} }, ""},
		{"a review before issue", func(di *devices.DeviceIssue) { di.Reviews = []devices.Review{{On: d("2026-01-31")}} },
			"reviewed_on: cannot be before the device was issued (2026-02-01)"},
		{"a review in the future", func(di *devices.DeviceIssue) { di.Reviews = []devices.Review{{On: d("2026-11-02")}} },
			"reviewed_on: cannot be in the future"},
		{"a review after removal", func(di *devices.DeviceIssue) {
			di.RemovedOn, di.RemovalReason = d("2026-04-01"), devices.RemovedFaulty
			di.Reviews = []devices.Review{{On: d("2026-04-02")}}
		}, "reviewed_on: cannot be after the device was removed (2026-04-01)"},
		{"a review with no date", func(di *devices.DeviceIssue) { di.Reviews = []devices.Review{{Note: "fine"}} }, "reviewed_on: is required"},
		{"issued by, as text, too long", func(di *devices.DeviceIssue) { di.IssuedByText = strings.Repeat("x", 201) }, "issued_by_text: must be at most 200 characters"},
		{"need, too long", func(di *devices.DeviceIssue) { di.Need = strings.Repeat("x", 1001) }, "need: must be at most 1000 characters"},
	} {
		di := base
		c.edit(&di)
		got := issueErrs(di, reg)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCategoryValidate(t *testing.T) {
	for _, c := range []struct {
		cat  devices.Category
		want string
	}{
		{devices.Category{ID: "hearing-loop", Name: "Hearing loop"}, ""},
		{devices.Category{ID: "hearing-loop", Name: "Hearing loop", ISO9999: "22 06 27"}, ""},
		{devices.Category{ID: "Hearing Loop", Name: "Hearing loop"}, "id: must be lower-case"},
		{devices.Category{ID: "hearing-loop", Name: " "}, "name: is required"},
		{devices.Category{ID: "hearing-loop", Name: "Hearing loop", ISO9999: "22.06"}, "iso9999: must be an ISO 9999 class"},
	} {
		err := c.cat.Validate()
		got := ""
		for _, f := range ateval.ErrorFields(err) {
			got += f.Field + ": " + f.Message + "; "
		}
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%+v: got %q, want %q", c.cat, got, c.want)
		}
	}
}
