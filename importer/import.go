package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// Source is one named CSV file to import.
type Source struct {
	Name string // shown in messages: "residents.csv line 4: ..."
	R    io.Reader
	Size int64 // bytes, for progress; 0 if unknown
}

// Options tune an import.
type Options struct {
	// DryRun checks everything, database constraints included, and then
	// rolls back.
	DryRun bool
	// Progress, if set, is called now and then with the bytes read so far
	// of all files and their total.
	Progress func(done, total int64)
	// Began, if set, is called once the import's transaction has begun. On
	// SQLite the import holds the database's write lock from then until it
	// commits or rolls back: every other writer waits for it.
	Began func()
	// MaxErrors stops collecting after this many problems (default 100).
	MaxErrors int
	// Framework checks and scores assessments (default forms.Default()).
	Framework *forms.Framework
}

// Summary counts what an import wrote (or, on a dry run, would write).
type Summary struct {
	Boroughs, Devices, Residents, DeviceIssues, Assessments int
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Import loads the files in one transaction. On any bad row it returns an
// EINVALID *ateval.Error listing each problem as "FILE line N" with
// "field: what is wrong", and nothing of the invocation is written.
//
// An import is the operator's, and ctx must say so
// (ateval.SystemContext): with no user in it, as with a signed-in web
// user, it is refused. Access fails closed: nothing is taken for the
// operator by default.
func Import(ctx context.Context, db *storage.DB, files []Source, opt Options) (sum Summary, err error) {
	if u := ateval.UserFromContext(ctx); u == nil {
		return sum, ateval.Errorf(ateval.EUNAUTHORIZED, "An import must say who makes it: only the operator, at the command line, may.")
	} else if !u.IsSystem() {
		return sum, ateval.Errorf(ateval.EFORBIDDEN, "Imports are made by the operator at the command line.")
	}
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 100
	}
	if opt.Framework == nil {
		opt.Framework = forms.Default()
	}
	var total int64
	tables := make([]*table, 0, len(files))
	counter := &progressReader{report: opt.Progress}
	for _, f := range files {
		total += f.Size
	}
	counter.total = total
	for _, f := range files {
		t, err := newTable(f.Name, counter.wrap(f.R))
		if err != nil {
			return sum, ateval.Errorf(ateval.EINVALID, "%v", err)
		}
		tables = append(tables, t)
	}
	// Dependency order, whatever order the files came in.
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].kind < tables[j].kind })

	err = db.InBulkTx(ctx, func(tx *storage.Tx) error {
		if opt.Began != nil {
			opt.Began()
		}
		l, err := newLoader(tx, opt)
		if err != nil {
			return err
		}
		for _, t := range tables {
			if err := l.load(ctx, t); err != nil {
				return err
			}
			if l.full() {
				break
			}
		}
		if len(l.problems) > 0 {
			msg := fmt.Sprintf("The import was refused: %d problem(s) found, and nothing was written.", len(l.problems))
			if l.full() {
				msg = fmt.Sprintf("The import was refused: it stopped after the first %d problems, and nothing was written.", opt.MaxErrors)
			}
			return ateval.Invalid(msg, l.problems)
		}
		sum = l.sum
		if opt.DryRun {
			return errDryRun
		}
		return tx.Analyze()
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return Summary{}, err
	}
	counter.done()
	return sum, nil
}

// progressReader counts bytes read across all files.
type progressReader struct {
	n, total int64
	last     int64
	report   func(done, total int64)
}

func (p *progressReader) wrap(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

func (p *progressReader) add(n int) {
	p.n += int64(n)
	if p.report != nil && p.n-p.last >= 1<<20 {
		p.last = p.n
		p.report(p.n, p.total)
	}
}

func (p *progressReader) done() {
	if p.report != nil {
		p.report(p.total, p.total)
	}
}

type countingReader struct {
	r io.Reader
	p *progressReader
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.add(n)
	return n, err
}
