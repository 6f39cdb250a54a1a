package sharing

// The quasi-identifier columns, in the order they are written. Each is
// published at one level of its generalisation hierarchy, level 0 being
// the most detailed; a value suppressed in one record is written as
// Suppressed.
const (
	QIAgeBand        = "age_band"
	QISex            = "sex"
	QIEthnicGroup    = "ethnic_group"
	QIBorough        = "borough"
	QIDeviceCategory = "device_category"
	QILivingAlone    = "living_alone"
	// QIGroup is the evaluation arm. It is a quasi-identifier too: it
	// splits classes, and the comparison arm has no device, so the arm
	// would give away a suppressed device category. It is never
	// generalised (the arm is what the evaluation compares), but a value
	// may be suppressed locally.
	QIGroup = "group"
)

// Suppressed is written in place of a suppressed or fully generalised
// quasi-identifier.
const Suppressed = "*"

// QINames returns the quasi-identifier columns in the order an export
// writes them and a joined record holds them (package exports gives each
// its generalisation hierarchy, in this order).
func QINames() []string {
	return []string{QIAgeBand, QISex, QIEthnicGroup, QIBorough, QIDeviceCategory, QILivingAlone, QIGroup}
}
