package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// runFramework shows the evaluation framework: a readable summary, the
// whole framework as JSON (--json), every instrument as a REDCap data
// dictionary (--redcap), or one instrument as a FHIR R4 Questionnaire
// (--fhir ID). With --from-redcap FILE it shows the framework a REDCap
// data dictionary holds instead (one ateval wrote comes back whole; a
// borough's is a draft of the framework with its forms added), and
// --out DIR writes it as a framework directory for --framework DIR.
func runFramework(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "framework", "framework [--json | --redcap | --fhir ID] [--framework DIR] [--from-redcap FILE.csv [--out DIR]]")
	asJSON := fs.Bool("json", false, "print the whole framework as JSON")
	redcap := fs.Bool("redcap", false, "print every instrument as one REDCap data dictionary (CSV)")
	fhir := fs.String("fhir", "", "print instrument `ID` as a FHIR R4 Questionnaire (JSON)")
	dir := fs.String("framework", "", "framework directory to use instead of the one built in")
	fromREDCap := fs.String("from-redcap", "", "read the framework from a REDCap data dictionary `FILE.csv`: one ateval wrote, or a borough's forms added to the framework as a draft")
	out := fs.String("out", "", "with --from-redcap: write the framework read as a draft framework `DIR`ectory, for --framework DIR")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *out != "" && *fromREDCap == "" {
		fs.Usage()
		return errUsage
	}
	f, err := loadFramework(*dir)
	if err != nil {
		return err
	}
	if *fromREDCap != "" {
		if f, err = readREDCap(env, *fromREDCap, f, *out); err != nil {
			return err
		}
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

// readREDCap reads a REDCap data dictionary as a framework over base,
// and writes its directory to out if set: a new directory, so that no
// framework is overwritten.
func readREDCap(env *cliEnv, path string, base *forms.Framework, out string) (*forms.Framework, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	d, err := forms.ParseREDCapFramework(file, base)
	if err != nil {
		return nil, err
	}
	if out == "" {
		return d.Framework, nil
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w (give a directory that does not exist yet)", err)
	}
	names := make([]string, 0, len(d.Files))
	for name := range d.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, d.Files[name], 0o644); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(env.Stderr, "wrote framework %s (%d instruments) to %s: use it with --framework %s\n", d.Framework.Version(), len(d.Framework.Instruments()), out, out)
	return d.Framework, nil
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
