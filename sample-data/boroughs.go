package sampledata

import "github.com/ateval/ateval"

// boroughSpec is one London borough and the traits the sample gives it.
// The traits are invented to give the pooled analysis realistic variety;
// none is an official figure.
type boroughSpec struct {
	name    string
	gss     int    // E090000nn
	prefix  string // of resident references, "CAM-000123"
	outward []string
	loti    bool
	// size is the borough's share of residents: at the default 3,000
	// residents over the sixteen LOTI boroughs it is the resident count.
	size int
	// comparison is the share of residents in the comparison group.
	comparison float64
	// ethnic weights, in the order asian, black, mixed, white, other,
	// not_stated: loosely the 2021 Census for residents aged 65 and over.
	ethnic [6]float64
	start  ateval.Date // first enrolment
	// dropout is the yearly hazard of leaving the evaluation for no
	// recorded reason.
	dropout float64
	// records is the share of events instruments taken from linked
	// records rather than self-report.
	records float64
	// mix multiplies the base weights of primary device categories.
	mix map[string]float64
}

var (
	june2024    = ateval.NewDate(2024, 6, 1)
	january2025 = ateval.NewDate(2025, 1, 1)
	june2025    = ateval.NewDate(2025, 6, 1)
)

// allBoroughs returns the 33 London local authorities in GSS code order.
func allBoroughs() []boroughSpec {
	return []boroughSpec{
		{"City of London", 1, "COL", []string{"EC1A", "EC2V", "EC2Y", "EC3A", "EC4V"}, false, 40, 0, [6]float64{8, 3, 3, 82, 2, 2}, january2025, 0.10, 0, nil},
		{"Barking and Dagenham", 2, "BAD", []string{"IG11", "RM8", "RM9", "RM10"}, false, 150, 0.25, [6]float64{14, 12, 2, 69, 2, 1}, june2024, 0.14, 0, map[string]float64{"fall-detector": 1.5}},
		{"Barnet", 3, "BAR", []string{"EN5", "N3", "N12", "N20", "NW4", "NW7"}, false, 260, 0.33, [6]float64{16, 6, 2, 70, 5, 1}, june2024, 0.08, 0.4, nil},
		{"Bexley", 4, "BEX", []string{"DA5", "DA6", "DA7", "DA14", "DA15", "DA16"}, false, 170, 0.25, [6]float64{5, 4, 1, 88, 1, 1}, june2024, 0.09, 0, nil},
		{"Brent", 5, "BRE", []string{"NW10", "HA0", "HA9"}, true, 230, 0.33, [6]float64{30, 18, 3, 42, 6, 1}, june2024, 0.12, 0, map[string]float64{"video-carephone": 1.5}},
		{"Bromley", 6, "BRO", []string{"BR1", "BR2", "BR3", "BR5", "BR6", "BR7"}, false, 240, 0.25, [6]float64{4, 4, 1, 89, 1, 1}, june2024, 0.07, 0, nil},
		{"Camden", 7, "CAM", []string{"NW1", "NW3", "NW5", "WC1H", "WC1N"}, true, 280, 0.25, [6]float64{11, 8, 3, 73, 4, 1}, june2024, 0.10, 0.5, map[string]float64{"video-carephone": 2, "vital-signs-monitoring": 2.5}},
		{"Croydon", 8, "CRO", []string{"CR0", "CR2", "CR7", "CR8", "SE25"}, true, 390, 0.33, [6]float64{13, 15, 3, 65, 3, 1}, june2024, 0.11, 0, map[string]float64{"fall-detector": 2.5}},
		{"Ealing", 9, "EAL", []string{"W5", "W7", "W13", "UB1", "UB2", "UB6"}, true, 200, 0.25, [6]float64{28, 8, 2, 55, 6, 1}, june2024, 0.10, 0, map[string]float64{"medication-dispenser": 1.8}},
		{"Enfield", 10, "ENF", []string{"EN1", "EN2", "EN3", "N9", "N13", "N21"}, false, 220, 0.33, [6]float64{8, 12, 2, 72, 5, 1}, june2024, 0.12, 0, nil},
		{"Greenwich", 11, "GRE", []string{"SE10", "SE18", "SE7", "SE9", "SE2"}, true, 170, 0.25, [6]float64{10, 12, 2, 73, 2, 1}, january2025, 0.13, 0, map[string]float64{"activity-monitoring": 2}},
		{"Hackney", 12, "HAC", []string{"E5", "E8", "E9", "N16"}, true, 140, 0.33, [6]float64{9, 22, 3, 58, 7, 1}, june2024, 0.18, 0, map[string]float64{"gps-location": 1.5, "vital-signs-monitoring": 0}},
		{"Hammersmith and Fulham", 13, "HAF", []string{"W6", "W12", "W14", "SW6"}, false, 150, 0.25, [6]float64{8, 10, 3, 74, 4, 1}, june2024, 0.10, 0, nil},
		{"Haringey", 14, "HGY", []string{"N8", "N15", "N17", "N22"}, false, 160, 0.33, [6]float64{6, 18, 3, 66, 6, 1}, june2024, 0.15, 0, nil},
		{"Harrow", 15, "HRW", []string{"HA1", "HA2", "HA3", "HA5", "HA7"}, false, 180, 0.25, [6]float64{35, 6, 2, 52, 4, 1}, june2024, 0.08, 0, nil},
		{"Havering", 16, "HAV", []string{"RM1", "RM2", "RM3", "RM7", "RM11", "RM12"}, false, 200, 0.25, [6]float64{3, 2, 1, 92, 1, 1}, june2024, 0.08, 0, nil},
		{"Hillingdon", 17, "HIL", []string{"UB3", "UB4", "UB8", "UB10", "HA4"}, false, 210, 0.25, [6]float64{20, 5, 2, 69, 3, 1}, june2024, 0.09, 0, nil},
		{"Hounslow", 18, "HOU", []string{"TW3", "TW4", "TW5", "TW7", "TW8", "W4"}, true, 240, 0.25, [6]float64{30, 5, 2, 57, 5, 1}, june2024, 0.09, 0.6, map[string]float64{"fall-detector": 2, "bed-chair-sensor": 1.5}},
		{"Islington", 19, "ISL", []string{"N1", "N4", "N5", "N7", "N19"}, false, 160, 0.33, [6]float64{6, 12, 3, 72, 6, 1}, june2024, 0.14, 0, nil},
		{"Kensington and Chelsea", 20, "KEN", []string{"SW3", "SW5", "SW7", "SW10", "W8", "W10", "W11"}, true, 60, 0, [6]float64{7, 6, 3, 76, 7, 1}, january2025, 0.09, 0, map[string]float64{"door-exit-sensor": 2}},
		{"Kingston upon Thames", 21, "KIN", []string{"KT1", "KT2", "KT3", "KT5", "KT6", "KT9"}, true, 90, 0, [6]float64{12, 2, 2, 81, 2, 1}, june2025, 0.07, 0, map[string]float64{"medication-dispenser": 1.5, "gps-location": 0}},
		{"Lambeth", 22, "LAM", []string{"SE11", "SE27", "SW2", "SW8", "SW9"}, true, 220, 0.33, [6]float64{5, 26, 4, 59, 5, 1}, june2024, 0.16, 0, map[string]float64{"gps-location": 2}},
		{"Lewisham", 23, "LEW", []string{"SE4", "SE6", "SE13", "SE23"}, false, 190, 0.33, [6]float64{6, 24, 3, 62, 4, 1}, june2024, 0.15, 0, nil},
		{"Merton", 24, "MER", []string{"SW19", "SW20", "CR4", "SM4"}, false, 150, 0.25, [6]float64{13, 8, 2, 73, 3, 1}, june2024, 0.09, 0, nil},
		{"Newham", 25, "NEW", []string{"E6", "E7", "E12", "E13", "E15", "E16"}, true, 190, 0.33, [6]float64{36, 20, 3, 35, 5, 1}, june2024, 0.20, 0, map[string]float64{"voice-assistant": 2.5}},
		{"Redbridge", 26, "RED", []string{"IG1", "IG2", "IG3", "IG4", "IG5", "IG6"}, false, 190, 0.25, [6]float64{30, 7, 2, 57, 3, 1}, june2024, 0.10, 0, nil},
		{"Richmond upon Thames", 27, "RIC", []string{"TW1", "TW2", "TW9", "TW10", "TW11", "SW14"}, false, 160, 0.25, [6]float64{5, 1, 2, 90, 1, 1}, june2024, 0.07, 0, nil},
		{"Southwark", 28, "SOU", []string{"SE1", "SE5", "SE15", "SE16", "SE17", "SE22"}, true, 250, 0.33, [6]float64{6, 25, 3, 60, 5, 1}, june2024, 0.14, 0.3, map[string]float64{"activity-monitoring": 1.5}},
		{"Sutton", 29, "SUT", []string{"SM1", "SM2", "SM3", "SM5", "SM6"}, true, 130, 0.25, [6]float64{9, 4, 2, 83, 1, 1}, january2025, 0.08, 0, map[string]float64{"medication-dispenser": 2, "vital-signs-monitoring": 0}},
		{"Tower Hamlets", 30, "TOW", []string{"E1", "E1W", "E2", "E3", "E14"}, true, 160, 0.25, [6]float64{40, 7, 2, 46, 4, 1}, june2024, 0.22, 0, map[string]float64{"voice-assistant": 1.5}},
		{"Waltham Forest", 31, "WAL", []string{"E4", "E10", "E11", "E17"}, true, 205, 0.33, [6]float64{17, 12, 3, 63, 4, 1}, june2024, 0.12, 0, nil},
		{"Wandsworth", 32, "WAN", []string{"SW11", "SW12", "SW15", "SW17", "SW18"}, false, 200, 0.25, [6]float64{8, 10, 2, 76, 3, 1}, june2024, 0.10, 0, nil},
		{"Westminster", 33, "WES", []string{"W1H", "W1U", "W2", "W9", "NW8", "SW1P", "SW1V"}, true, 45, 0, [6]float64{12, 7, 3, 68, 9, 1}, january2025, 0.11, 0, map[string]float64{"activity-monitoring": 2}},
	}
}

// selectBoroughs returns the sixteen LOTI boroughs (n = 16) or all 33
// London authorities (n = 33).
func selectBoroughs(n int) ([]boroughSpec, error) {
	all := allBoroughs()
	switch n {
	case 33:
		return all, nil
	case 16:
		var out []boroughSpec
		for _, b := range all {
			if b.loti {
				out = append(out, b)
			}
		}
		return out, nil
	}
	return nil, ateval.Errorf(ateval.EINVALID, "boroughs must be 16 (the LOTI boroughs) or 33 (all of London), not %d", n)
}

// allocate divides total residents among boroughs in proportion to their
// size, by largest remainder so that the counts add up to total exactly,
// and gives every borough at least one resident.
func allocate(bs []boroughSpec, total int) []int {
	sum := 0
	for _, b := range bs {
		sum += b.size
	}
	counts := make([]int, len(bs))
	rem := make([]int, len(bs)) // remainders, in units of 1/sum
	given := 0
	for i, b := range bs {
		counts[i] = total * b.size / sum
		rem[i] = total * b.size % sum
		given += counts[i]
	}
	for given < total {
		best := 0
		for i := range bs {
			if rem[i] > rem[best] {
				best = i
			}
		}
		counts[best]++
		rem[best] = -1
		given++
	}
	for i := range counts {
		for counts[i] == 0 {
			// take one from the largest borough
			big := 0
			for j := range counts {
				if counts[j] > counts[big] {
					big = j
				}
			}
			counts[big]--
			counts[i]++
		}
	}
	return counts
}
