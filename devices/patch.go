package devices

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/ateval/ateval"
)

// The changes the API and the pages decode a request's body into: the
// domain's own update types, which storage applies.

// ResidentPatch changes a resident's record: nil fields are left as they
// are. Identity, if set, replaces the identifiers whole.
type ResidentPatch struct {
	Reference            *string        `json:"reference"`
	YearOfBirth          *int           `json:"year_of_birth"`
	Sex                  *Sex           `json:"sex"`
	EthnicGroup          *EthnicGroup   `json:"ethnic_group"`
	LivingAlone          *bool          `json:"living_alone"`
	PrimarySupportReason *SupportReason `json:"primary_support_reason"`
	RegisteredOn         *ateval.Date   `json:"registered_on"`
	// Group and EnrolledOn enrol the resident in the evaluation.
	Group      *Group       `json:"group"`
	EnrolledOn *ateval.Date `json:"enrolled_on"`
	// ObjectedOn records an objection to the use of the resident's data
	// for evaluation. Once recorded it is not moved: it is withdrawn
	// (WithdrawObjection), so that nothing left out of an export or a
	// summary comes back in by a slip of a form.
	ObjectedOn *ateval.Date `json:"objected_on"`
	Identity   *Identity    `json:"identity"`
	// WithdrawObjection withdraws the resident's objection today, as
	// storage.DB.WithdrawObjection does: what {"objected_on": null} asks in JSON.
	WithdrawObjection bool `json:"-"`
}

// UnmarshalJSON reads a patch as encoding/json would, refusing unknown
// fields, and takes "objected_on": null (which leaves ObjectedOn nil, as
// if absent) for the withdrawal of the objection.
func (p *ResidentPatch) UnmarshalJSON(b []byte) error {
	type plain ResidentPatch
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*plain)(p)); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	for k, v := range fields {
		if strings.EqualFold(k, "objected_on") && string(bytes.TrimSpace(v)) == "null" {
			p.WithdrawObjection = true
		}
	}
	return nil
}

// Apply makes the patch's changes to r and returns the names of the fields p changes in r.
func (p *ResidentPatch) Apply(r *Resident) (changed []string) {
	set := func(name string, differs bool, do func()) {
		if differs {
			do()
			changed = append(changed, name)
		}
	}
	if p.Reference != nil {
		set("reference", *p.Reference != r.Reference, func() { r.Reference = *p.Reference })
	}
	if p.YearOfBirth != nil {
		set("year_of_birth", *p.YearOfBirth != r.YearOfBirth, func() { r.YearOfBirth = *p.YearOfBirth })
	}
	if p.Sex != nil {
		set("sex", *p.Sex != r.Sex, func() { r.Sex = *p.Sex })
	}
	if p.EthnicGroup != nil {
		set("ethnic_group", *p.EthnicGroup != r.EthnicGroup, func() { r.EthnicGroup = *p.EthnicGroup })
	}
	if p.LivingAlone != nil {
		set("living_alone", *p.LivingAlone != r.LivingAlone, func() { r.LivingAlone = *p.LivingAlone })
	}
	if p.PrimarySupportReason != nil {
		set("primary_support_reason", *p.PrimarySupportReason != r.PrimarySupportReason, func() { r.PrimarySupportReason = *p.PrimarySupportReason })
	}
	if p.RegisteredOn != nil {
		set("registered_on", *p.RegisteredOn != r.RegisteredOn, func() { r.RegisteredOn = *p.RegisteredOn })
	}
	if p.Group != nil {
		set("group", *p.Group != r.Group, func() { r.Group = *p.Group })
	}
	if p.EnrolledOn != nil {
		set("enrolled_on", *p.EnrolledOn != r.EnrolledOn, func() { r.EnrolledOn = *p.EnrolledOn })
	}
	if p.ObjectedOn != nil {
		set("objected_on", *p.ObjectedOn != r.ObjectedOn, func() { r.ObjectedOn = *p.ObjectedOn })
	}
	return changed
}

// DeviceIssuePatch changes a device issue: nil fields are left as they
// are. Review, if set, adds a review.
type DeviceIssuePatch struct {
	InstalledOn   *ateval.Date   `json:"installed_on"`
	RemovedOn     *ateval.Date   `json:"removed_on"`
	RemovalReason *RemovalReason `json:"removal_reason"`
	RemovalNote   *string        `json:"removal_note"`
	AssetTag      *string        `json:"asset_tag"`
	Need          *string        `json:"need"`
	Review        *Review        `json:"review"`
}
