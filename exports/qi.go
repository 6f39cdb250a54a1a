package exports

import (
	"strconv"

	"github.com/ateval/ateval/devices"
)

// The quasi-identifier columns and the mark of a suppressed value are
// sharing's (QIAgeBand ... QIGroup, Suppressed: see sharing.go), since the
// ledger's joined records are written in their order; qis() gives each
// its hierarchy, in sharing.QINames() order (TestQIOrder).

// NoDevice is the device category of a resident with no device issued
// (the comparison group).
const NoDevice = "none"

// AnyDevice is the device category generalised to "some device".
const AnyDevice = "device"

// TopAge is the age from which ages are top-coded ("90+").
const TopAge = 90

// qi is one quasi-identifier with its generalisation hierarchy.
type qi struct {
	name string
	// levels describes each level, for the disclosure report; the last is
	// full suppression, but for the group, which has one level.
	levels []string
	// weight orders local suppression: the QI of least analytic value is
	// suppressed first.
	weight int
	value  func(s *Subject, level int) string
}

// qis returns the quasi-identifiers. The hierarchies follow what
// evaluators expect of ARX or sdcMicro: age in 5-, 10- and 20-year bands,
// then under 65, 65-79 and 80+;
// the group as recorded, and never generalised;
// ethnic group as the six ONS 2021 groups, then white, ethnic minority or
// not stated; the device category, then its broader group.
func qis() []qi {
	return []qi{
		{QIAgeBand, []string{"5-year bands, 90+", "10-year bands, 90+", "20-year bands, 80+", "0-64, 65-79, 80+", "suppressed"}, 3, ageValue},
		{QISex, []string{"as recorded", "suppressed"}, 2, func(s *Subject, l int) string {
			if l == 0 {
				return string(s.Sex)
			}
			return Suppressed
		}},
		{QIEthnicGroup, []string{"ONS 2021 high-level groups", "white, ethnic_minority, not_stated", "suppressed"}, 1, ethnicValue},
		{QIBorough, []string{"borough slug", "suppressed"}, 3, func(s *Subject, l int) string {
			if l == 0 {
				return s.Borough
			}
			return Suppressed
		}},
		{QIDeviceCategory, []string{"device category of the first device issued", "broader device group", "device or none", "suppressed"}, 2, deviceValue},
		{QILivingAlone, []string{"yes or no", "suppressed"}, 1, func(s *Subject, l int) string {
			switch {
			case l > 0:
				return Suppressed
			case s.LivingAlone:
				return "yes"
			}
			return "no"
		}},
		{QIGroup, []string{"as recorded (suppressed only locally)"}, 4, func(s *Subject, l int) string {
			if l == 0 {
				return string(s.Group)
			}
			return Suppressed
		}},
	}
}

// AgeBand returns the band of width years holding age, top-coded: "70-74",
// or "90+" for width 5 and 10, "80+" for width 20.
func AgeBand(age, width int) string {
	top := TopAge
	if width >= 20 {
		top = 80
	}
	if age >= top {
		return strconv.Itoa(top) + "+"
	}
	if age < 0 {
		age = 0
	}
	lo := age / width * width
	return strconv.Itoa(lo) + "-" + strconv.Itoa(lo+width-1)
}

func ageValue(s *Subject, l int) string {
	switch l {
	case 0:
		return AgeBand(s.Age(), 5)
	case 1:
		return AgeBand(s.Age(), 10)
	case 2:
		return AgeBand(s.Age(), 20)
	case 3:
		switch a := s.Age(); {
		case a >= 80:
			return "80+"
		case a >= 65:
			return "65-79"
		}
		return "0-64"
	}
	return Suppressed
}

// BroadEthnicGroup maps an ONS group to white, ethnic_minority or
// not_stated.
func BroadEthnicGroup(g devices.EthnicGroup) string {
	switch g {
	case devices.EthnicWhite, devices.EthnicNotStated:
		return string(g)
	}
	return "ethnic_minority"
}

func ethnicValue(s *Subject, l int) string {
	switch l {
	case 0:
		return string(s.EthnicGroup)
	case 1:
		return BroadEthnicGroup(s.EthnicGroup)
	}
	return Suppressed
}

// DeviceGroup maps a device category of the taxonomy to its broader
// group: alarms that summon help, sensors in the home, health and
// medication devices, communication and location devices. A category an
// administrator added is "other"; no device stays NoDevice.
func DeviceGroup(category string) string {
	switch category {
	case "", NoDevice:
		return NoDevice
	case "community-alarm", "fall-detector", "epilepsy-monitor":
		return "alarm"
	case "environmental-sensor", "door-exit-sensor", "bed-chair-sensor", "activity-monitoring":
		return "home-sensor"
	case "medication-dispenser", "vital-signs-monitoring":
		return "health-medication"
	case "gps-location", "voice-assistant", "video-carephone":
		return "communication-location"
	}
	return "other"
}

func deviceValue(s *Subject, l int) string {
	c := s.DeviceCategory
	if c == "" {
		c = NoDevice
	}
	switch l {
	case 0:
		return c
	case 1:
		return DeviceGroup(c)
	case 2:
		if c == NoDevice {
			return NoDevice
		}
		return AnyDevice
	}
	return Suppressed
}
