package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

func runExport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "export", "export --db PATH|URL --agreement ID --out FILE.csv [--layout long|wide] [--k N]")
	dsn := dbFlag(fs, env)
	agreement := fs.Int64("agreement", 0, "id of the data sharing agreement the export is made under")
	out := fs.String("out", "", "the CSV file to write; the codebook, disclosure report and R, Stata and SPSS syntax are written beside it")
	layout := fs.String("layout", exports.LayoutLong, "long (a row per resident and assessment) or wide (a row per resident)")
	k := fs.Int("k", 0, "every combination of quasi-identifiers is shared by at least k residents (default the agreement's minimum k; never less)")
	maxSupp := fs.Float64("max-suppression", exports.DefaultMaxSuppression, "share of residents the generalisation search may leave to local suppression")
	boroughs := fs.String("boroughs", "", "slugs of the boroughs to export, comma-separated (default all the agreement's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *agreement <= 0 || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval export: --agreement ID and --out FILE.csv are required, and nothing else")
		fs.Usage()
		return errUsage
	}
	bs, err := sharing.ParseList(*boroughs)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = ateval.SystemContext(ctx)
	// A refusal, from the register or the disclosure control, is audited.
	a, err := db.Agreement(ctx, *agreement)
	if err != nil {
		return db.ExportRefused(ctx, *agreement, err)
	}
	known, err := db.View(ctx).Boroughs()
	if err != nil {
		return err
	}
	names := make(map[string]string, len(known))
	for _, b := range known {
		names[b.Slug] = b.Name
	}
	plan, err := exports.Prepare(ctx, db, exports.Options{Agreement: &a, Boroughs: bs, Layout: *layout, K: *k,
		MaxSuppression: *maxSupp, Framework: forms.Default(), Today: db.View(ctx).Today(), BoroughNames: names})
	if err != nil {
		return db.ExportRefused(ctx, a.ID, err)
	}

	// The CSV goes to a temporary file. When it is whole, the export is
	// recorded (what it releases and its audit entry, in one
	// transaction), and only then renamed into place with its codebook
	// and disclosure report: no export is published unrecorded, and a
	// failed one leaves no partial file to be mistaken for one.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bar := newProgressBar(env, "exporting")
	st, err := plan.WriteCSV(ctx, tmp, bar.Update)
	bar.Done()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := db.RecordExport(ctx, plan.Release(), plan.AuditEntry(&st)); err != nil {
		return db.ExportRefused(ctx, a.ID, err)
	}
	base := strings.TrimSuffix(*out, filepath.Ext(*out))
	cb := plan.Codebook()
	if err := writeFile(base+".codebook.json", cb.WriteJSON); err != nil {
		return err
	}
	if err := writeFile(base+".codebook.md", cb.WriteText); err != nil {
		return err
	}
	d := plan.Disclosure()
	if err := writeFile(base+".disclosure.md", d.WriteText); err != nil {
		return err
	}
	// Syntax files for R, Stata and SPSS, as REDCap writes beside its
	// exports: each reads the CSV, from its own folder, typed and labelled.
	name := filepath.Base(*out)
	for ext, write := range map[string]func(io.Writer, string) error{".R": cb.WriteR, ".do": cb.WriteStata, ".sps": cb.WriteSPSS} {
		if err := writeFile(base+ext, func(w io.Writer) error { return write(w, name) }); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %d rows (%d residents, k = %d, highest re-identification risk %s) to %s\nsha256 %s\n",
		st.Rows, st.Residents, d.K, strconv.FormatFloat(d.HighestRisk, 'f', 4, 64), *out, st.SHA256)
	return nil
}

// writeFile writes a file whole with write.
func writeFile(path string, write func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
