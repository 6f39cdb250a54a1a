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
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			i := len(a.cells)
			a.cells = append(a.cells, nil)
			jobs = append(jobs, func(ctx context.Context) (err error) { a.cells[i], err = fetchCells(ctx, src, f, o, tp); return err })
		}
	}
	jobs = append(jobs,
		func(ctx context.Context) (err error) { a.costs, err = src.Costs(ctx, f); return err },
		func(ctx context.Context) (err error) { a.issues, err = src.Issues(ctx, f); return err })
	a.queries = runQueries(ctx, jobs)
	return a
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
