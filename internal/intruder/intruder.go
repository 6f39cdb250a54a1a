// Package intruder is the motivated intruder of the ICO's anonymisation
// guidance, written as code: given what ateval publishes (results.json,
// from the API or a report file), it tries the attacks that combine
// releases to recover a small group of residents exactly: differencing two
// reports whose filters differ a little, reading a count back from a share
// and its denominator, and pinning a count and a total from a rounded count
// beside a mean of whole-number scores. The attack tests run it against the
// real outputs and against a deliberately unsafe release, so that they can
// fail.
//
// It knows only what an intruder knows: the published numbers, the scores'
// units, and how ateval rounds (README); never the database.
package intruder

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Release is the part of results.json the attacks read.
type Release struct {
	Filter struct {
		Boroughs []string `json:"boroughs"`
		From     string   `json:"from"`
		To       string   `json:"to"`
	} `json:"filter"`
	Analyses []struct {
		Outcome        string `json:"outcome"`
		DeviceCategory string `json:"device_category"`
		Timepoint      string `json:"timepoint"`
		Design         string `json:"design"`
		Measure        string `json:"measure"`
		Boroughs       []struct {
			Borough  string  `json:"borough"`
			N        int     `json:"n"`
			Yi       float64 `json:"yi"`
			Vi       float64 `json:"vi"`
			Combined int     `json:"combined"`
		} `json:"boroughs"`
		Pooled struct {
			Estimate float64 `json:"estimate"`
			SE       float64 `json:"se"`
			Tau2     float64 `json:"tau2"`
			// K is how many studies were pooled: more than the rows
			// where small boroughs shown combined were pooled apart.
			K int `json:"k"`
		} `json:"pooled"`
	} `json:"analyses"`
	Trajectories []struct {
		Outcome   string   `json:"outcome"`
		Series    string   `json:"series"`
		Timepoint string   `json:"timepoint"`
		N         int      `json:"n"`
		Mean      *float64 `json:"mean"`
	} `json:"trajectories"`
	FollowUp []struct {
		Borough      string   `json:"borough"`
		Group        string   `json:"group"`
		Timepoint    string   `json:"timepoint"`
		Due          int      `json:"due"`
		Recorded     int      `json:"recorded"`
		Completeness *float64 `json:"completeness"`
	} `json:"follow_up"`
	Abandonment []struct {
		DeviceCategory string   `json:"device_category"`
		Timepoint      string   `json:"timepoint"`
		AtRisk         int      `json:"at_risk"`
		Abandoned      int      `json:"abandoned"`
		Share          *float64 `json:"share"`
	} `json:"abandonment"`
	Quality []struct {
		Instrument string   `json:"instrument"`
		Timepoint  string   `json:"timepoint"`
		Recorded   int      `json:"recorded"`
		Incomplete int      `json:"incomplete"`
		Share      *float64 `json:"incomplete_share"`
	} `json:"data_quality"`
}

// Parse reads results.json.
func Parse(b []byte) (*Release, error) {
	var r Release
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("intruder: results.json: %w", err)
	}
	return &r, nil
}

// Claim is what an attack recovered: N residents, and for a mean their
// total (Sum), found where Where says.
type Claim struct {
	Where string
	N     int
	Sum   float64
}

// Tol is the tolerance a careful intruder reads off a printed number: half
// a unit of its last printed digit (0.05 for "1.5"); an unrounded float
// prints 16 or more digits and so is taken as exact.
func Tol(x float64) float64 {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	for i, c := range s {
		if c == '.' {
			return 0.5 * math.Pow(10, -float64(len(s)-i-1))
		}
	}
	return 0.5
}

// Pin is one (count, total) an intruder finds consistent with a release.
type Pin struct {
	N   int
	Sum float64
}

// Pins returns the (n, total) pairs consistent with a published count and
// mean: n within slack of the count (rounding and perturbation hide at most
// that much), the total a whole number of res units, and total/n within tol
// of the mean.
func Pins(nPub, slack int, mean, tol, res float64) []Pin {
	var out []Pin
	for n := max(1, nPub-slack); n <= nPub+slack; n++ {
		lo, hi := (mean-tol)*float64(n)/res, (mean+tol)*float64(n)/res
		for k := math.Ceil(lo - 1e-9); k <= math.Floor(hi+1e-9); k++ {
			out = append(out, Pin{n, k * res})
		}
	}
	return out
}

// point is one published (count, mean) of a release, by where it is.
type point struct {
	n    int
	mean float64
	res  float64
}

// points gathers every published mean beside its count: trajectory means,
// and the borough rows of mean-change analyses (yi is the row's mean
// change, n its residents).
func (r *Release) points(res func(outcome string) float64) map[string]point {
	out := map[string]point{}
	for _, t := range r.Trajectories {
		if t.Mean == nil || res(t.Outcome) == 0 {
			continue
		}
		out["trajectory "+t.Outcome+" "+t.Series+" "+t.Timepoint] = point{t.N, *t.Mean, res(t.Outcome)}
	}
	for _, a := range r.Analyses {
		if a.Measure != "MC" || res(a.Outcome) == 0 {
			continue
		}
		for _, b := range a.Boroughs {
			out[fmt.Sprintf("row %s %s %s %s %s", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, b.Borough)] = point{b.N, b.Yi, res(a.Outcome)}
		}
	}
	return out
}

// Difference attacks two releases: for every mean published in both with
// different numbers, it finds the (count, total) pairs each is consistent
// with and their differences; where exactly one difference has between 1
// and 4 residents, the intruder claims that group's count and total.
// res gives an outcome's unit (1 for whole-number scores; 0 to skip it).
func Difference(a, b *Release, slack int, res func(outcome string) float64) []Claim {
	pa, pb := a.points(res), b.points(res)
	var out []Claim
	for where, x := range pa {
		y, ok := pb[where]
		if !ok || (x.n == y.n && x.mean == y.mean) {
			continue
		}
		type diff struct {
			n   int
			sum float64
		}
		found := map[diff]bool{}
		for _, p := range Pins(x.n, slack, x.mean, Tol(x.mean), x.res) {
			for _, q := range Pins(y.n, slack, y.mean, Tol(y.mean), y.res) {
				d := diff{q.N - p.N, math.Round((q.Sum-p.Sum)/x.res) * x.res}
				if d.n < 0 {
					d = diff{-d.n, -d.sum}
				}
				found[d] = true
				if len(found) > 64 {
					break
				}
			}
		}
		if len(found) == 1 {
			for d := range found {
				if d.n >= 1 && d.n <= 4 {
					out = append(out, Claim{Where: where, N: d.n, Sum: d.sum})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}

// Singles attacks one release: a mean whose (count, total) is pinned to one
// pair by the count's rounding and the scores' whole units.
func Singles(r *Release, slack int, res func(outcome string) float64) []Claim {
	var out []Claim
	for where, p := range r.points(res) {
		if ps := Pins(p.n, slack, p.mean, Tol(p.mean), p.res); len(ps) == 1 {
			out = append(out, Claim{Where: where, N: ps[0].N, Sum: ps[0].Sum})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}

// Shares attacks the shares of a release: where every denominator within
// slack of the published one that makes share × denominator a whole
// number gives the same numerator, between 1 and 4, the intruder has that
// small count exactly (0.005 of "200" is 1 of 200).
func Shares(r *Release, slack int) []Claim {
	var out []Claim
	try := func(where string, share *float64, den int) {
		if share == nil {
			return
		}
		ks := map[int]bool{}
		for n := max(1, den-slack); n <= den+slack; n++ {
			k := *share * float64(n)
			if math.Abs(k-math.Round(k)) < 1e-6 {
				ks[int(math.Round(k))] = true
			}
		}
		if len(ks) == 1 {
			for k := range ks {
				if k >= 1 && k <= 4 {
					out = append(out, Claim{Where: where, N: k})
				}
			}
		}
	}
	for _, a := range r.Abandonment {
		try("abandoned "+a.DeviceCategory+" "+a.Timepoint, a.Share, a.AtRisk)
	}
	for _, f := range r.FollowUp {
		try("recorded "+f.Borough+" "+f.Group+" "+f.Timepoint, f.Completeness, f.Due)
	}
	for _, q := range r.Quality {
		try("incomplete "+q.Instrument+" "+q.Timepoint, q.Share, q.Recorded)
	}
	return out
}
