package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// runFramework shows the evaluation framework: a readable summary, the
// whole framework as JSON (--json), every instrument as a REDCap data
// dictionary (--redcap), or one instrument as a FHIR R4 Questionnaire
// (--fhir ID).
func runFramework(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "framework", "framework [--json | --redcap | --fhir ID] [--framework DIR]")
	asJSON := fs.Bool("json", false, "print the whole framework as JSON")
	redcap := fs.Bool("redcap", false, "print every instrument as one REDCap data dictionary (CSV)")
	fhir := fs.String("fhir", "", "print instrument `ID` as a FHIR R4 Questionnaire (JSON)")
	dir := fs.String("framework", "", "framework directory to use instead of the one built in")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	f, err := loadFramework(*dir)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		b, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.Stdout, "%s\n", b)
		return err
	case *redcap:
		return f.WriteREDCapDictionary(env.Stdout)
	case *fhir != "":
		in, ok := f.Instrument(*fhir)
		if !ok {
			return ateval.Errorf(ateval.EINVALID, "instrument %q is not in framework %s", *fhir, f.Version())
		}
		b, err := json.MarshalIndent(in.Questionnaire(f.Version()), "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.Stdout, "%s\n", b)
		return err
	}
	return summarise(env, f)
}

func summarise(env *cliEnv, f *forms.Framework) error {
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Evaluation framework %s\n\n", f.Version())
	fmt.Fprintln(w, "INSTRUMENT\tITEMS\tSCORES\tWORDING\tNAME")
	for _, in := range f.Instruments() {
		var names []string
		for _, r := range in.Scores {
			names = append(names, r.Name)
		}
		wording := "shipped"
		if in.Licence.WordingLicensed && !in.Licence.WordingLoaded {
			wording = "licensed: load it"
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", in.ID, len(in.Items), strings.Join(names, ","), wording, in.Name)
	}
	fmt.Fprintln(w, "\nTIMEPOINT\tTARGET DAY\tWINDOW\tINSTRUMENTS")
	for _, s := range f.Windows() {
		fmt.Fprintf(w, "%s\t%d\t-%d..+%d days\t%s\n", s.Timepoint, s.TargetDays, s.WindowBefore, s.WindowAfter, strings.Join(s.Instruments, ","))
	}
	return w.Flush()
}
