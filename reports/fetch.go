package reports

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// answers are the summaries a report reads, asked for all at once (see
// queries); each is the caller's to read once next has returned it
// without error, in the order of the fields.
type answers struct {
	*queries
	read int
	// job is the query that answers each reading, in order: several
	// cells may share one.
	job []int

	enrolments []summary.Enrolment
	taken      []summary.Taken
	cells      [][]disclosure.Cell // by outcome, then timepoint
	costs      []summary.Cost
	issues     []summary.Issue
}

// ask starts the queries of every summary of a report. Where the source
// can sum all of an instrument's scores at all follow-ups in one reading
// of its assessments, the cells of that instrument share one query, which
// is one job: the cells it answers wait for it, and no worker sits blocked
// on another's query.
func ask(ctx context.Context, src Source, f summary.Filter, outcomes []Outcome) *answers {
	a := &answers{}
	var jobs []func(context.Context) error
	add := func(job func(context.Context) error) {
		a.job = append(a.job, len(jobs))
		jobs = append(jobs, job)
	}
	// Follow-up and data quality cover every device category: their cells
	// are the boroughs' enrolment years and arms.
	add(func(ctx context.Context) (err error) {
		a.enrolments, err = src.Enrolments(ctx, summary.Filter{})
		return err
	})
	add(func(ctx context.Context) (err error) { a.taken, err = src.Taken(ctx, summary.Filter{}); return err })
	// The outcomes' cells are read for every device category, whatever the
	// filter: a row's sampling variance is taken from all its unit's
	// released cells (references), which must not depend on the filter.
	// The selection then picks the category's cells.
	every := summary.Filter{}
	shared := sharedCells(src, every, outcomes)
	type place struct {
		i         int
		score, tp string
	}
	places := map[cellGroup][]place{}
	jobOf := map[cellGroup]int{}
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			i := len(a.cells)
			a.cells = append(a.cells, nil)
			g := cellGroup{o.Kind, o.Instrument}
			get := shared[g]
			if get == nil {
				add(func(ctx context.Context) (err error) {
					a.cells[i], err = fetchCells(ctx, src, every, o, tp)
					return err
				})
				continue
			}
			places[g] = append(places[g], place{i, o.Score, tp})
			if j, ok := jobOf[g]; ok {
				a.job = append(a.job, j)
				continue
			}
			jobOf[g] = len(jobs)
			add(func(ctx context.Context) error {
				cellsOf, err := get(ctx)
				if err != nil {
					return err
				}
				for _, p := range places[g] {
					a.cells[p.i] = cellsOf(p.score, p.tp)
				}
				return nil
			})
		}
	}
	add(func(ctx context.Context) (err error) { a.costs, err = src.Costs(ctx, f); return err })
	add(func(ctx context.Context) (err error) { a.issues, err = src.Issues(ctx, f); return err })
	a.queries = runQueries(ctx, jobs)
	return a
}

// changeSummariesOf is a Source that can sum several scores of one
// instrument at several follow-ups in one reading of its assessments
// (storage.DB can).
type changeSummariesOf interface {
	ChangeSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores, timepoints []string) (map[string]map[string][]summary.Change, error)
}

// eventSummariesOf is the same for the event rates (storage.DB can).
type eventSummariesOf interface {
	EventSummariesOf(ctx context.Context, f summary.Filter, scores, timepoints []string) (map[string]map[string][]summary.Event, error)
}

// proportionSummariesOf is the same for yes/no scores (storage.DB can).
type proportionSummariesOf interface {
	ProportionSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores, timepoints []string) (map[string]map[string][]summary.Proportion, error)
}

// cellGroup is the cells one shared query answers: those of one kind of
// one instrument.
type cellGroup struct {
	kind       Kind
	instrument string
}

// cellsBy gives a shared query's cells of one score at one follow-up.
type cellsBy func(score, tp string) []disclosure.Cell

// sharedCells returns, for each group of two or more cells among the
// outcomes that the source can answer at once (ons4's four scores at four
// follow-ups, say; falls and admissions; device use at four follow-ups),
// the one query that answers them:
// at a million assessments a summary's time is reading the instrument's
// assessments, the same for one score at one follow-up as for sixteen.
func sharedCells(src Source, f summary.Filter, outcomes []Outcome) map[cellGroup]func(context.Context) (cellsBy, error) {
	out := map[cellGroup]func(context.Context) (cellsBy, error){}
	if many, ok := src.(changeSummariesOf); ok {
		for in, set := range groupScores(outcomes, KindChange) {
			out[cellGroup{KindChange, in}] = func(ctx context.Context) (cellsBy, error) {
				all, err := many.ChangeSummariesOf(ctx, f, in, set.scores, set.timepoints)
				return func(score, tp string) []disclosure.Cell { return cellsOfChanges(all[tp][score]) }, err
			}
		}
	}
	if many, ok := src.(eventSummariesOf); ok {
		for in, set := range groupScores(outcomes, KindEvents) {
			out[cellGroup{KindEvents, in}] = func(ctx context.Context) (cellsBy, error) {
				all, err := many.EventSummariesOf(ctx, f, set.scores, set.timepoints)
				return func(score, tp string) []disclosure.Cell { return cellsOfEvents(all[tp][score]) }, err
			}
		}
	}
	if many, ok := src.(proportionSummariesOf); ok {
		for in, set := range groupScores(outcomes, KindProportion) {
			out[cellGroup{KindProportion, in}] = func(ctx context.Context) (cellsBy, error) {
				all, err := many.ProportionSummariesOf(ctx, f, in, set.scores, set.timepoints)
				return func(score, tp string) []disclosure.Cell { return cellsOfProportions(all[tp][score]) }, err
			}
		}
	}
	return out
}

// scoreSet is the scores and follow-ups of an instrument's cells.
type scoreSet struct{ scores, timepoints []string }

// groupScores returns the scores and follow-ups of each instrument with
// more than one cell of kind among the outcomes.
func groupScores(outcomes []Outcome, kind Kind) map[string]scoreSet {
	sets, cells := map[string]scoreSet{}, map[string]int{}
	for _, o := range outcomes {
		if o.Kind != kind {
			continue
		}
		set := sets[o.Instrument]
		if !slices.Contains(set.scores, o.Score) {
			set.scores = append(set.scores, o.Score)
		}
		for _, tp := range o.Timepoints {
			if !slices.Contains(set.timepoints, tp) {
				set.timepoints = append(set.timepoints, tp)
			}
			cells[o.Instrument]++
		}
		sets[o.Instrument] = set
	}
	for in := range sets {
		if cells[in] < 2 {
			delete(sets, in)
		}
	}
	return sets
}

// next waits for the next answer in order and returns its query's error.
func (a *answers) next() error {
	a.read++
	return a.wait(a.job[a.read-1])
}

// queries runs a report's summary queries ahead of their use, on as many
// goroutines as there are cores: the database answers each on a
// connection of its own, so they need not wait for one another, and Build
// still reads their answers, and reports its progress, in its own order.
type queries struct {
	done    []chan struct{}
	errs    []error
	stopped atomic.Bool
	wg      sync.WaitGroup
}

// runQueries starts the jobs, which write their answers where the caller
// reads them after wait. Every job is started in order, with ctx as it
// is: the SQLite driver reads each row on a goroutine of its own when a
// context can be cancelled, so Build does not add a cancel of its own;
// once ctx is done, or stop is called, the jobs not yet started fail.
func runQueries(ctx context.Context, jobs []func(context.Context) error) *queries {
	q := &queries{done: make([]chan struct{}, len(jobs)), errs: make([]error, len(jobs))}
	for i := range jobs {
		q.done[i] = make(chan struct{})
	}
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		q.wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				switch {
				case q.stopped.Load():
					q.errs[i] = context.Canceled
				case ctx.Err() != nil:
					q.errs[i] = ctx.Err()
				default:
					q.errs[i] = jobs[i](ctx)
				}
				close(q.done[i])
			}
		})
	}
	return q
}

// wait returns the i-th job's error once it has finished; its answer is
// then the caller's to read.
func (q *queries) wait(i int) error {
	<-q.done[i]
	return q.errs[i]
}

// stop skips the jobs not yet started and waits for those running, so
// that none outlives the build that started it.
func (q *queries) stop() {
	q.stopped.Store(true)
	q.wg.Wait()
}
