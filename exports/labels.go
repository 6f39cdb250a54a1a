package exports

import (
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// A codebook's value labels are the words the pages use. They come from
// the one place that names each code for people (the Label methods of
// devices and forms); only the codes an export makes itself (generalised
// groups, suppression, "not scorable") are named here.

// qiLevelLabel names a value of a quasi-identifier column as the pages
// would: "Female", "Asian or Asian British", "Fall detector". A value the
// generalisation made is named by generalisedLabels; an age band or an
// unknown code is shown as it is, and a borough by Options.BoroughNames.
func qiLevelLabel(column, v string) string {
	if l, ok := generalisedLabels[column][v]; ok {
		return l
	}
	switch column {
	case QISex:
		return devices.Sex(v).Label()
	case QIEthnicGroup:
		return devices.EthnicGroup(v).Label()
	case QIDeviceCategory:
		for _, c := range devices.Categories() {
			if c.ID == v {
				return c.Name
			}
		}
	case QIGroup:
		return devices.Group(v).Label()
	}
	return v
}

// suppressedLabel names Suppressed in every quasi-identifier column.
const suppressedLabel = "Suppressed for disclosure control"

// generalisedLabels name the values the export itself writes: the
// broader groups of generalisation (see BroadEthnicGroup and
// DeviceGroup), living alone's yes and no, and Suppressed.
var generalisedLabels = func() map[string]map[string]string {
	m := map[string]map[string]string{
		QIEthnicGroup: {"ethnic_minority": "Any ethnic group other than White"},
		QIDeviceCategory: {NoDevice: "No device", AnyDevice: "Any device", "alarm": "Alarms that summon help",
			"home-sensor": "Sensors in the home", "health-medication": "Health and medication devices",
			"communication-location": "Communication and location devices", "other": "Another device category"},
		QILivingAlone: {"yes": "Yes", "no": "No"},
	}
	for _, x := range qis() {
		if m[x.name] == nil {
			m[x.name] = map[string]string{}
		}
		m[x.name][Suppressed] = suppressedLabel
	}
	return m
}()

// missingLevelLabel names a reason in a missing-reason column: a missing
// reason as the forms offer it ("Refused"), or "Could not be scored".
func missingLevelLabel(code string) string {
	if code == NotScorable {
		return notScorableLabel
	}
	return forms.MissingReason(code).Label()
}

// notScorableLabel names NotScorable.
const notScorableLabel = "Could not be scored"

func timepointLevels() []ColumnLevel {
	var out []ColumnLevel
	for _, t := range forms.Timepoints() {
		out = append(out, ColumnLevel{Code: string(t), Label: t.Label()})
	}
	return out
}

func respondentLevels() []ColumnLevel {
	var out []ColumnLevel
	for _, r := range forms.Respondents() {
		out = append(out, ColumnLevel{Code: string(r), Label: r.Label()})
	}
	return out
}
