package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bcgCSV is metafor's dat.bcg as log risk ratios, with its absolute
// latitude and allocation:
//
//	dat <- escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
const bcgCSV = `study,yi,vi,ablat,alloc
Aronson 1948,-0.88931133392020545,0.32558476500396133,44,random
Ferguson & Simes 1949,-1.5853886572014306,0.19458112139814385,55,random
Rosenthal et al 1960,-1.3480731482996933,0.41536796536796539,42,random
Hart & Sutherland 1977,-1.4415511900213054,0.020010031902247573,52,random
Frimodt-Moller et al 1973,-0.21754732221129558,0.051210172169630863,13,alternate
Stein & Aronson 1953,-0.78611558581886398,0.0069056184559087574,44,alternate
Vandiviere et al 1973,-1.6208982235983918,0.22301724757231517,19,random
TPT Madras 1980,0.011952333523840508,0.0039615792978177295,13,random
Coetzee & Berjak 1968,-0.4694176487381494,0.056434210463248966,27,random
Rosenthal et al 1961,-1.3713448034727844,0.07302479361302891,42,systematic
Comstock et al 1974,-0.33935882833839059,0.01241221397155972,18,systematic
Comstock & Webster 1969,0.44591340057137874,0.53250584520015276,33,systematic
Comstock et al 1976,-0.017313948216879815,0.071404659683986293,33,systematic
`

func poolCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	err = runPool(context.Background(), env, args)
	return out.String(), errb.String(), err
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPoolJSON checks the JSON against metafor 3.8-1:
//
//	r <- rma(yi, vi, data=dat, test="knha"); predict(r); confint(r)
func TestPoolJSON(t *testing.T) {
	file := writeTemp(t, "bcg.csv", bcgCSV)
	out, errs, err := poolCLI(t, file, "--test", "knha", "--json")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var got struct {
		K           int     `json:"k"`
		Method      string  `json:"method"`
		Test        string  `json:"test"`
		Estimate    float64 `json:"estimate"`
		SE          float64 `json:"se"`
		CILower     float64 `json:"ci_lower"`
		CIUpper     float64 `json:"ci_upper"`
		PValue      float64 `json:"p_value"`
		Tau2        float64 `json:"tau2"`
		Tau2CILower float64 `json:"tau2_ci_lower"`
		Tau2CIUpper float64 `json:"tau2_ci_upper"`
		I2          float64 `json:"i2"`
		H2          float64 `json:"h2"`
		Q           float64 `json:"q"`
		QDf         int     `json:"q_df"`
		QP          float64 `json:"q_p"`
		PILower     float64 `json:"pi_lower"`
		PIUpper     float64 `json:"pi_upper"`
		Converged   bool    `json:"converged"`
	}
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if dec.More() {
		t.Errorf("more than one JSON value: %s", out)
	}
	if got.K != 13 || got.Method != "REML" || got.Test != "knha" || got.QDf != 12 || !got.Converged {
		t.Errorf("got %+v", got)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"estimate", got.Estimate, -0.714532342158139}, {"se", got.SE, 0.180791744092848},
		{"ci.lb", got.CILower, -1.10844371368555}, {"ci.ub", got.CIUpper, -0.320620970630728},
		{"pval", got.PValue, 0.00192001509605729}, {"tau2", got.Tau2, 0.313243258136481},
		{"tau2.lb", got.Tau2CILower, 0.119718361141261}, {"tau2.ub", got.Tau2CIUpper, 1.11147908406093},
		{"I2", got.I2, 92.221384521269}, {"H2", got.H2, 12.8557582353092}, {"QE", got.Q, 152.233008082373},
		{"QEp", got.QP / 1.99676459084597e-26, 1}, {"pi.lb", got.PILower, -1.9960168341962}, {"pi.ub", got.PIUpper, 0.566952149879924},
	} {
		if math.Abs(c.got-c.want) > 1e-7*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %.15g, metafor %.15g", c.name, c.got, c.want)
		}
	}
}

func TestPoolText(t *testing.T) {
	file := writeTemp(t, "bcg.csv", bcgCSV)
	out, _, err := poolCLI(t, "--method", "dl", file)
	if err != nil {
		t.Fatal(err)
	}
	// rma(yi, vi, data=dat, method="DL"): estimate -0.7141, tau^2 0.3088
	for _, want := range []string{"k = 13", "τ² estimator DL", "-0.7141", "0.3088", "Q(12) = 152.23",
		"Aronson 1948", "pooled (DL)", "<==", "prediction interval"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "|"); n < 26 {
		t.Errorf("forest plot has %d bar ends, want 26:\n%s", n, out)
	}
}

func TestPoolErrors(t *testing.T) {
	good := writeTemp(t, "bcg.csv", bcgCSV)
	bad := writeTemp(t, "bad.csv", "study,yi,vi\nA,0.1,0.2\nB,0.2,0\nC,0.3,abc\n")
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{}, true, "expected one CSV file"},
		{[]string{good, good}, true, "expected one CSV file"},
		{[]string{"--method", "SJ", good}, true, "unknown method"},
		{[]string{"--test", "t", good}, true, "unknown test"},
		{[]string{"--level", "120", good}, true, "--level"},
		{[]string{"--nope", good}, true, ""},
		{[]string{bad}, false, `line 3: vi: must be positive`},
		{[]string{bad}, false, `line 4: vi: "abc" is not a number`},
		{[]string{filepath.Join(t.TempDir(), "missing.csv")}, false, "no such file"},
	} {
		_, errs, err := poolCLI(t, c.args...)
		if err == nil || errors.Is(err, errUsage) != c.usage {
			t.Errorf("%q: error %v", c.args, err)
			continue
		}
		if msg := errs + describe(err); !strings.Contains(msg, c.want) {
			t.Errorf("%q: %q lacks %q", c.args, msg, c.want)
		}
	}
}
