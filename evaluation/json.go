package evaluation

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Float is a float64 that JSON writes as null when it is NaN or infinite
// (which JSON cannot represent: an undefined or withheld figure) and reads
// null back as NaN. Reports use it for every number they publish.
type Float float64

type jsonNumber = Float

// MarshalJSON writes the number, or null for NaN and infinities.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = jsonNumber(math.NaN())
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = jsonNumber(x)
	return nil
}

// pooledJSON is the wire form of Pooled: exactly these fields, in this
// order.
type pooledJSON struct {
	K           int        `json:"k"`
	Method      Method     `json:"method"`
	Test        Test       `json:"test"`
	Estimate    jsonNumber `json:"estimate"`
	SE          jsonNumber `json:"se"`
	CILower     jsonNumber `json:"ci_lower"`
	CIUpper     jsonNumber `json:"ci_upper"`
	PValue      jsonNumber `json:"p_value"`
	Tau2        jsonNumber `json:"tau2"`
	Tau2CILower jsonNumber `json:"tau2_ci_lower"`
	Tau2CIUpper jsonNumber `json:"tau2_ci_upper"`
	I2          jsonNumber `json:"i2"`
	H2          jsonNumber `json:"h2"`
	Q           jsonNumber `json:"q"`
	QDf         int        `json:"q_df"`
	QP          jsonNumber `json:"q_p"`
	PILower     jsonNumber `json:"pi_lower"`
	PIUpper     jsonNumber `json:"pi_upper"`
	Converged   bool       `json:"converged"`
}

// MarshalJSON writes the fields tagged on Pooled, NaN as null.
func (p Pooled) MarshalJSON() ([]byte, error) {
	return json.Marshal(pooledJSON{p.K, p.Method, p.Test, jsonNumber(p.Estimate), jsonNumber(p.SE),
		jsonNumber(p.CILower), jsonNumber(p.CIUpper), jsonNumber(p.PValue), jsonNumber(p.Tau2),
		jsonNumber(p.Tau2CILower), jsonNumber(p.Tau2CIUpper), jsonNumber(p.I2), jsonNumber(p.H2),
		jsonNumber(p.Q), p.QDf, jsonNumber(p.QP), jsonNumber(p.PILower), jsonNumber(p.PIUpper), p.Converged})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (p *Pooled) UnmarshalJSON(b []byte) error {
	var w pooledJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Pooled{K: w.K, Method: w.Method, Test: w.Test, Estimate: float64(w.Estimate), SE: float64(w.SE),
		CILower: float64(w.CILower), CIUpper: float64(w.CIUpper), PValue: float64(w.PValue), Tau2: float64(w.Tau2),
		Tau2CILower: float64(w.Tau2CILower), Tau2CIUpper: float64(w.Tau2CIUpper), I2: float64(w.I2), H2: float64(w.H2),
		Q: float64(w.Q), QDf: w.QDf, QP: float64(w.QP), PILower: float64(w.PILower), PIUpper: float64(w.PIUpper),
		Converged: w.Converged}
	return nil
}
