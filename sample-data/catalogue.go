package sampledata

import "github.com/ateval/ateval/devices"

// catalogue returns the sample's device catalogue: generic products with
// fictional suppliers and costs in the range UK telecare services pay
// (unit costs and weekly monitoring charges as in borough telecare price
// lists, rounded; not any supplier's price).
func catalogue() []devices.Device {
	return []devices.Device{
		{Code: "analogue-alarm-unit", Category: "community-alarm", Product: "Dispersed alarm unit with pendant (analogue line)", Supplier: "Northfield Telecare Ltd", UnitCostPence: 8500, WeeklyMonitoringPence: 350, Monitored: true, GenerationTier: "analogue"},
		{Code: "digital-alarm-unit", Category: "community-alarm", Product: "Digital alarm hub with pendant and pull cord", Supplier: "Northfield Telecare Ltd", UnitCostPence: 14500, WeeklyMonitoringPence: 420, Monitored: true, GenerationTier: "digital"},
		{Code: "mobile-alarm-pendant", Category: "community-alarm", Product: "Mobile alarm pendant with two-way speech", Supplier: "Harbour Lane Care Technology", UnitCostPence: 12000, WeeklyMonitoringPence: 480, Monitored: true, GenerationTier: "digital"},
		{Code: "wrist-fall-detector", Category: "fall-detector", Product: "Wrist-worn automatic fall detector", Supplier: "Harbour Lane Care Technology", UnitCostPence: 19500, WeeklyMonitoringPence: 100, Monitored: true, GenerationTier: "digital"},
		{Code: "pendant-fall-detector", Category: "fall-detector", Product: "Pendant automatic fall detector", Supplier: "Northfield Telecare Ltd", UnitCostPence: 16500, WeeklyMonitoringPence: 100, Monitored: true, GenerationTier: "digital"},
		{Code: "smart-fall-sensor", Category: "fall-detector", Product: "Room radar fall sensor", Supplier: "Quayside Sensing Ltd", UnitCostPence: 24500, WeeklyMonitoringPence: 150, Monitored: true, GenerationTier: "smart"},
		{Code: "linked-smoke-detector", Category: "environmental-sensor", Product: "Linked smoke detector", Supplier: "Northfield Telecare Ltd", UnitCostPence: 4500, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "digital"},
		{Code: "linked-heat-detector", Category: "environmental-sensor", Product: "Linked heat detector", Supplier: "Northfield Telecare Ltd", UnitCostPence: 4000, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "digital"},
		{Code: "carbon-monoxide-detector", Category: "environmental-sensor", Product: "Linked carbon monoxide detector", Supplier: "Kestrel Home Safety Ltd", UnitCostPence: 5500, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "digital"},
		{Code: "flood-detector", Category: "environmental-sensor", Product: "Flood detector", Supplier: "Kestrel Home Safety Ltd", UnitCostPence: 5000, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "analogue"},
		{Code: "temperature-extremes-sensor", Category: "environmental-sensor", Product: "Temperature extremes sensor", Supplier: "Kestrel Home Safety Ltd", UnitCostPence: 4500, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "digital"},
		{Code: "property-exit-sensor", Category: "door-exit-sensor", Product: "Property exit sensor with timer", Supplier: "Quayside Sensing Ltd", UnitCostPence: 7500, WeeklyMonitoringPence: 50, Monitored: true, GenerationTier: "digital"},
		{Code: "door-contact", Category: "door-exit-sensor", Product: "Door contact sensor", Supplier: "Kestrel Home Safety Ltd", UnitCostPence: 5500, WeeklyMonitoringPence: 0, Monitored: true, GenerationTier: "analogue"},
		{Code: "bed-occupancy-sensor", Category: "bed-chair-sensor", Product: "Bed occupancy sensor pad", Supplier: "Quayside Sensing Ltd", UnitCostPence: 15000, WeeklyMonitoringPence: 50, Monitored: true, GenerationTier: "digital"},
		{Code: "chair-occupancy-sensor", Category: "bed-chair-sensor", Product: "Chair occupancy sensor pad", Supplier: "Quayside Sensing Ltd", UnitCostPence: 14000, WeeklyMonitoringPence: 50, Monitored: true, GenerationTier: "digital"},
		{Code: "activity-monitoring-kit", Category: "activity-monitoring", Product: "Home activity monitoring kit (motion, door and power sensors)", Supplier: "Meridian Insight Systems", UnitCostPence: 25000, WeeklyMonitoringPence: 250, Monitored: false, GenerationTier: "smart"},
		{Code: "automated-pill-dispenser", Category: "medication-dispenser", Product: "Automated pill dispenser with alerts", Supplier: "Willowbrook Medication Aids", UnitCostPence: 45000, WeeklyMonitoringPence: 150, Monitored: true, GenerationTier: "digital"},
		{Code: "medication-reminder", Category: "medication-dispenser", Product: "Talking medication reminder clock", Supplier: "Willowbrook Medication Aids", UnitCostPence: 9000, WeeklyMonitoringPence: 0, Monitored: false, GenerationTier: "digital"},
		{Code: "bed-seizure-monitor", Category: "epilepsy-monitor", Product: "Bed seizure monitor", Supplier: "Harbour Lane Care Technology", UnitCostPence: 45000, WeeklyMonitoringPence: 100, Monitored: true, GenerationTier: "digital"},
		{Code: "gps-locator-watch", Category: "gps-location", Product: "GPS locator watch with SOS button", Supplier: "Meridian Insight Systems", UnitCostPence: 16000, WeeklyMonitoringPence: 400, Monitored: true, GenerationTier: "smart"},
		{Code: "gps-locator-pendant", Category: "gps-location", Product: "GPS locator pendant", Supplier: "Harbour Lane Care Technology", UnitCostPence: 12000, WeeklyMonitoringPence: 350, Monitored: true, GenerationTier: "smart"},
		{Code: "smart-speaker", Category: "voice-assistant", Product: "Smart speaker with reminders and calling", Supplier: "Brightwater Digital Care", UnitCostPence: 6500, WeeklyMonitoringPence: 0, Monitored: false, GenerationTier: "smart"},
		{Code: "smart-display", Category: "voice-assistant", Product: "Smart display with video calling", Supplier: "Brightwater Digital Care", UnitCostPence: 11000, WeeklyMonitoringPence: 0, Monitored: false, GenerationTier: "smart"},
		{Code: "video-carephone", Category: "video-carephone", Product: "Video carephone", Supplier: "Brightwater Digital Care", UnitCostPence: 38000, WeeklyMonitoringPence: 300, Monitored: true, GenerationTier: "smart"},
		{Code: "care-tablet", Category: "video-carephone", Product: "Simplified care tablet with video calls", Supplier: "Meridian Insight Systems", UnitCostPence: 22000, WeeklyMonitoringPence: 150, Monitored: false, GenerationTier: "smart"},
		{Code: "vital-signs-kit", Category: "vital-signs-monitoring", Product: "Blood pressure, pulse oximeter and scales kit", Supplier: "Fenwick Health Monitoring", UnitCostPence: 28000, WeeklyMonitoringPence: 500, Monitored: true, GenerationTier: "smart"},
		{Code: "respiratory-monitor", Category: "vital-signs-monitoring", Product: "Home spirometer and symptom app", Supplier: "Fenwick Health Monitoring", UnitCostPence: 32000, WeeklyMonitoringPence: 450, Monitored: true, GenerationTier: "smart"},
	}
}

// categoryIndex returns the position of each category id in
// devices.Categories().
func categoryIndex() map[string]int {
	m := map[string]int{}
	for i, c := range devices.Categories() {
		m[c.ID] = i
	}
	return m
}
