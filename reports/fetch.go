package reports

import (
	"context"
	"runtime"
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

	enrolments []summary.Enrolment
	taken      []summary.Taken
	cells      []map[string]map[string]cell // by outcome, then timepoint
	costs      []summary.Cost
	issues     []summary.Issue
}

// ask starts the queries of every summary of a report.
func ask(ctx context.Context, src Source, f summary.Filter, outcomes []Outcome) *answers {
	a := &answers{}
	jobs := []func(context.Context) error{
		func(ctx context.Context) (err error) { a.enrolments, err = src.Enrolments(ctx, f); return err },
		func(ctx context.Context) (err error) { a.taken, err = src.Taken(ctx, f); return err },
	}
	shared := sharedChanges(src, f, outcomes)
	sharedEv := sharedEvents(src, f, outcomes)
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			i := len(a.cells)
			a.cells = append(a.cells, nil)
			if get := sharedEv[tp]; get != nil && o.Kind == KindEvents {
				jobs = append(jobs, func(ctx context.Context) error {
					all, err := get(ctx)
					a.cells[i] = cellsOfEvents(all[o.Score])
					return err
				})
				continue
			}
			if get := shared[changeKey{o.Instrument, tp}]; get != nil {
				jobs = append(jobs, func(ctx context.Context) error {
					all, err := get(ctx)
					a.cells[i] = cellsOfChanges(all[o.Score])
					return err
				})
				continue
			}
			jobs = append(jobs, func(ctx context.Context) (err error) { a.cells[i], err = fetchCells(ctx, src, f, o, tp); return err })
		}
	}
	jobs = append(jobs,
		func(ctx context.Context) (err error) { a.costs, err = src.Costs(ctx, f); return err },
		func(ctx context.Context) (err error) { a.issues, err = src.Issues(ctx, f); return err })
	a.queries = runQueries(ctx, jobs)
	return a
}

// changeSummariesOf is a Source that can sum several scores of one
// instrument in one reading of its assessments (storage.DB can).
type changeSummariesOf interface {
	ChangeSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores []string, timepoint string) (map[string][]summary.Change, error)
}

// eventSummariesOf is a Source that can sum several event rates in one
// reading of the events assessments (storage.DB can).
type eventSummariesOf interface {
	EventSummariesOf(ctx context.Context, f summary.Filter, scores []string, timepoint string) (map[string][]summary.Event, error)
}

type changeKey struct{ instrument, timepoint string }

// sharedChanges returns, for each instrument and timepoint of which the
// report compares two or more scores' change (ons4's four, EQ-5D-5L's index
// and VAS), one query for all of them, run by whichever of their jobs
// comes first and waited for by the others: at a million assessments each
// query's time is reading the instrument's assessments, the same for one
// score as for four.
func sharedChanges(src Source, f summary.Filter, outcomes []Outcome) map[changeKey]func(context.Context) (map[string][]summary.Change, error) {
	many, ok := src.(changeSummariesOf)
	if !ok {
		return nil
	}
	scores := map[changeKey][]string{}
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			if o.Kind == KindChange {
				scores[changeKey{o.Instrument, tp}] = append(scores[changeKey{o.Instrument, tp}], o.Score)
			}
		}
	}
	return onceEach(scores, func(ctx context.Context, k changeKey, ss []string) (map[string][]summary.Change, error) {
		return many.ChangeSummariesOf(ctx, f, k.instrument, ss, k.timepoint)
	})
}

// sharedEvents is sharedChanges for the event rates (falls, admissions):
// one query a timepoint for all of them.
func sharedEvents(src Source, f summary.Filter, outcomes []Outcome) map[string]func(context.Context) (map[string][]summary.Event, error) {
	many, ok := src.(eventSummariesOf)
	if !ok {
		return nil
	}
	scores := map[string][]string{}
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			if o.Kind == KindEvents {
				scores[tp] = append(scores[tp], o.Score)
			}
		}
	}
	return onceEach(scores, func(ctx context.Context, tp string, ss []string) (map[string][]summary.Event, error) {
		return many.EventSummariesOf(ctx, f, ss, tp)
	})
}

// onceEach returns, for each key with two or more scores, a function that
// fetches them all on its first call and returns that answer to every call.
func onceEach[K comparable, T any](scores map[K][]string, fetch func(context.Context, K, []string) (map[string][]T, error)) map[K]func(context.Context) (map[string][]T, error) {
	out := map[K]func(context.Context) (map[string][]T, error){}
	for k, ss := range scores {
		if len(ss) < 2 {
			continue
		}
		var once sync.Once
		var all map[string][]T
		var err error
		out[k] = func(ctx context.Context) (map[string][]T, error) {
			once.Do(func() { all, err = fetch(ctx, k, ss) })
			return all, err
		}
	}
	return out
}

// next waits for the next answer in order and returns its query's error.
func (a *answers) next() error {
	a.read++
	return a.wait(a.read - 1)
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
