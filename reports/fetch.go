package reports

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

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
	cells      []map[string]map[string]cell // by outcome, then timepoint
	costs      []summary.Cost
	issues     []summary.Issue
}

// ask starts the queries of every summary of a report. Where the source
// can sum all of an instrument's scores at all follow-ups in one reading
// of its assessments, the cells of that instrument share one query.
func ask(ctx context.Context, src Source, f summary.Filter, outcomes []Outcome) *answers {
	a := &answers{}
	var jobs []func(context.Context) error
	add := func(job func(context.Context) error) {
		a.job = append(a.job, len(jobs))
		jobs = append(jobs, job)
	}
	add(func(ctx context.Context) (err error) { a.enrolments, err = src.Enrolments(ctx, f); return err })
	add(func(ctx context.Context) (err error) { a.taken, err = src.Taken(ctx, f); return err })
	changes, events := sharedChanges(src, f, outcomes), sharedEvents(src, f, outcomes)
	shared := map[Kind]map[string]int{KindChange: {}, KindEvents: {}} // kind, instrument: its job
	type place struct {
		i         int
		score, tp string
	}
	places := map[Kind]map[string][]place{KindChange: {}, KindEvents: {}}
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			i := len(a.cells)
			a.cells = append(a.cells, nil)
			_, isChange := changes[o.Instrument]
			_, isEvents := events[o.Instrument]
			if !(o.Kind == KindChange && isChange || o.Kind == KindEvents && isEvents) {
				add(func(ctx context.Context) (err error) { a.cells[i], err = fetchCells(ctx, src, f, o, tp); return err })
				continue
			}
			places[o.Kind][o.Instrument] = append(places[o.Kind][o.Instrument], place{i, o.Score, tp})
			if j, ok := shared[o.Kind][o.Instrument]; ok {
				a.job = append(a.job, j)
				continue
			}
			shared[o.Kind][o.Instrument] = len(jobs)
			in, kind := o.Instrument, o.Kind
			add(func(ctx context.Context) error {
				if kind == KindEvents {
					all, err := events[in](ctx)
					for _, p := range places[kind][in] {
						a.cells[p.i] = cellsOfEvents(all[p.tp][p.score])
					}
					return err
				}
				all, err := changes[in](ctx)
				for _, p := range places[kind][in] {
					a.cells[p.i] = cellsOfChanges(all[p.tp][p.score])
				}
				return err
			})
		}
	}
	add(func(ctx context.Context) (err error) { a.costs, err = src.Costs(ctx, f); return err })
	add(func(ctx context.Context) (err error) { a.issues, err = src.Issues(ctx, f); return err })
	a.queries = runQueries(ctx, jobs)
	return a
}

// changeSummariesOf is a Source that can sum several scores of one
// instrument in one reading of its assessments (storage.DB can).
type changeSummariesOf interface {
	ChangeSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores, timepoints []string) (map[string]map[string][]summary.Change, error)
}

// eventSummariesOf is a Source that can sum several event rates in one
// reading of the events assessments (storage.DB can).
type eventSummariesOf interface {
	EventSummariesOf(ctx context.Context, f summary.Filter, scores, timepoints []string) (map[string]map[string][]summary.Event, error)
}

// sharedChanges returns, for each instrument of which the report compares
// change in two or more scores or at two or more follow-ups (ons4's four
// scores at four follow-ups, say), the fetching of all of them in one
// query: at a million assessments a summary's time is reading the
// instrument's assessments, the same for one score at one follow-up as for
// sixteen. The answer is by follow-up, then score.
func sharedChanges(src Source, f summary.Filter, outcomes []Outcome) map[string]func(context.Context) (map[string]map[string][]summary.Change, error) {
	many, ok := src.(changeSummariesOf)
	if !ok {
		return nil
	}
	return byInstrument(outcomes, KindChange, func(ctx context.Context, instrument string, scores, timepoints []string) (map[string]map[string][]summary.Change, error) {
		return many.ChangeSummariesOf(ctx, f, instrument, scores, timepoints)
	})
}

// sharedEvents is sharedChanges for the event rates (falls, admissions),
// all read from the events instrument.
func sharedEvents(src Source, f summary.Filter, outcomes []Outcome) map[string]func(context.Context) (map[string]map[string][]summary.Event, error) {
	many, ok := src.(eventSummariesOf)
	if !ok {
		return nil
	}
	return byInstrument(outcomes, KindEvents, func(ctx context.Context, _ string, scores, timepoints []string) (map[string]map[string][]summary.Event, error) {
		return many.EventSummariesOf(ctx, f, scores, timepoints)
	})
}

// byInstrument returns, for each instrument with more than one summary of
// kind among the outcomes, fetch bound to all its scores and follow-ups.
func byInstrument[T any](outcomes []Outcome, kind Kind, fetch func(context.Context, string, []string, []string) (T, error)) map[string]func(context.Context) (T, error) {
	scores, timepoints, cells := map[string][]string{}, map[string][]string{}, map[string]int{}
	for _, o := range outcomes {
		if o.Kind != kind {
			continue
		}
		if !slices.Contains(scores[o.Instrument], o.Score) {
			scores[o.Instrument] = append(scores[o.Instrument], o.Score)
		}
		for _, tp := range o.Timepoints {
			if !slices.Contains(timepoints[o.Instrument], tp) {
				timepoints[o.Instrument] = append(timepoints[o.Instrument], tp)
			}
			cells[o.Instrument]++
		}
	}
	out := map[string]func(context.Context) (T, error){}
	for in, ss := range scores {
		if cells[in] > 1 {
			tps := timepoints[in]
			out[in] = func(ctx context.Context) (T, error) { return fetch(ctx, in, ss, tps) }
		}
	}
	return out
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
