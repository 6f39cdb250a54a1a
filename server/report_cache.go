package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
)

// reportCache builds evidence reports in the background and keeps each
// for a while, keyed by its filters, so that the page, its charts, its
// PDF and results.json of one filter set come from one build. A report
// takes seconds on a real database: the page shows the build's progress
// and refreshes itself until it is ready (no script: a Refresh header).
//
// The report holds no resident-level data and is the same for every
// user who may read it, so one cached copy serves them all.
//
// Builds are shared fairly between users. Each user may have at most
// perUser builds queued or running (asking for a report someone already
// has built or under way costs nothing and is always let through), and
// the workers take queued builds from each user in turn, round robin, so
// that one user asking for many filter sets at once cannot hold the
// others' reports back: theirs are next whenever a worker comes free.
type reportCache struct {
	// base is the server's context: builds derive from it and stop when
	// the server shuts down.
	base  context.Context
	build func(ctx context.Context, opt reports.Options) (*reports.Report, error)
	// ttl is how long a built report is served before it is built again.
	ttl time.Duration
	// timeout bounds one build.
	timeout time.Duration
	// max bounds the reports kept; the oldest finished one makes room.
	max int
	// workers bounds the builds running at once; others wait their turn.
	workers int
	// perUser bounds the builds one user may have queued or running.
	perUser int
	now     func() time.Time

	mu   sync.Mutex
	jobs map[string]*reportJob
	// queued holds each user's builds waiting for a worker, oldest
	// first; turn holds the users with any, in the order they are next.
	queued map[int64][]*reportJob
	turn   []int64
	// running counts the builds running; pending counts each user's
	// builds queued or running.
	running int
	pending map[int64]int
}

// reportJob is one build: running until done is closed, then holding
// the report or the error.
type reportJob struct {
	started time.Time
	done    chan struct{}
	// owner is the user whose request started the build, and opt its
	// filters.
	owner int64
	opt   reports.Options

	mu          sync.Mutex
	steps, of   int
	finished    time.Time
	rep         *reports.Report
	err         error
	waitingSlot bool
}

func newReportCache(base context.Context, build func(ctx context.Context, opt reports.Options) (*reports.Report, error)) *reportCache {
	return &reportCache{base: base, build: build, ttl: 10 * time.Minute, timeout: 5 * time.Minute, max: 32, workers: 2, perUser: 2,
		now: time.Now, jobs: map[string]*reportJob{}, queued: map[int64][]*reportJob{}, pending: map[int64]int{}}
}

// errReportsBusy refuses a new report while the cache is full of reports
// still being built, so that many filter sets at once cannot pile up
// builds without bound.
var errReportsBusy = ateval.Errorf(ateval.ERATELIMITED, "Too many reports are being built at once. Try again in a minute.")

// errTooManyReports refuses a user a new build while they have n queued
// or running.
func errTooManyReports(n int) error {
	reports := "reports"
	if n == 1 {
		reports = "report"
	}
	return ateval.Errorf(ateval.ERATELIMITED, "You already have %d %s being prepared; wait for them to finish before asking for another.", n, reports)
}

// job returns the build of the report for key, starting one for user if
// there is none, or if the last has expired or failed.
func (c *reportCache) job(key string, opt reports.Options, user int64) (*reportJob, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if j, ok := c.jobs[key]; ok && !j.stale(now, c.ttl) {
		return j, nil
	}
	if n := c.pending[user]; n >= c.perUser {
		return nil, errTooManyReports(n)
	}
	c.evict(now)
	if len(c.jobs) >= c.max {
		return nil, errReportsBusy
	}
	j := &reportJob{started: now, done: make(chan struct{}), waitingSlot: true, owner: user, opt: opt}
	c.jobs[key] = j
	c.pending[user]++
	if len(c.queued[user]) == 0 {
		c.turn = append(c.turn, user)
	}
	c.queued[user] = append(c.queued[user], j)
	c.dispatch()
	return j, nil
}

// dispatch starts queued builds while workers are free, taking the next
// user's oldest each time and sending that user to the back of the turn.
// c.mu must be held.
func (c *reportCache) dispatch() {
	for c.running < c.workers && len(c.turn) > 0 {
		user := c.turn[0]
		c.turn = c.turn[1:]
		q := c.queued[user]
		j := q[0]
		if len(q) > 1 {
			c.queued[user] = q[1:]
			c.turn = append(c.turn, user)
		} else {
			delete(c.queued, user)
		}
		c.running++
		go c.run(j)
	}
}

// evict drops expired and failed reports, then, if the cache is full,
// the finished report built longest ago.
func (c *reportCache) evict(now time.Time) {
	var oldest string
	var at time.Time
	for k, j := range c.jobs {
		if j.stale(now, c.ttl) {
			delete(c.jobs, k)
			continue
		}
		if f := j.finishedAt(); !f.IsZero() && (oldest == "" || f.Before(at)) {
			oldest, at = k, f
		}
	}
	if len(c.jobs) >= c.max && oldest != "" {
		delete(c.jobs, oldest)
	}
}

func (c *reportCache) run(j *reportJob) {
	j.mu.Lock()
	j.waitingSlot = false
	j.mu.Unlock()
	// A report is built once for every permitted reader of the same
	// filters, so it is built as the report builder, who may read released
	// summaries and nothing else; who may read the report is decided by the
	// route's guard. The build stops when the server shuts down.
	ctx, cancel := context.WithTimeout(ateval.ReportContext(c.base), c.timeout)
	defer cancel()
	opt := j.opt
	opt.Progress = func(done, total int) {
		j.mu.Lock()
		j.steps, j.of = done, total
		j.mu.Unlock()
	}
	rep, err := c.buildSafely(ctx, opt)
	j.mu.Lock()
	j.rep, j.err, j.finished = rep, err, c.now()
	j.mu.Unlock()
	// The worker and the owner's place are free before anyone waiting
	// hears the build is done, so that the owner may ask again at once.
	c.mu.Lock()
	c.running--
	if c.pending[j.owner]--; c.pending[j.owner] <= 0 {
		delete(c.pending, j.owner)
	}
	c.dispatch()
	c.mu.Unlock()
	close(j.done)
}

// buildSafely builds, turning a panic into the build's error: it runs on
// a goroutine of its own, where a panic would take the server down.
func (c *reportCache) buildSafely(ctx context.Context, opt reports.Options) (rep *reports.Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			rep, err = nil, fmt.Errorf("report build panicked: %v", v)
		}
	}()
	return c.build(ctx, opt)
}

// stale reports whether the job should be built again: it failed, or
// finished more than ttl ago.
func (j *reportJob) stale(now time.Time, ttl time.Duration) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return !j.finished.IsZero() && (j.err != nil || now.Sub(j.finished) > ttl)
}

func (j *reportJob) finishedAt() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.finished
}

// wait waits up to d (or until ctx ends) for the build, and reports
// whether it has finished.
func (j *reportJob) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-j.done:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// result returns the finished build's report or error.
func (j *reportJob) result() (*reports.Report, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rep, j.err
}

// buildProgress is what the waiting page shows.
type buildProgress struct {
	Steps, Of   int
	Percent     int
	Waiting     bool // for another build to finish
	ElapsedSecs int
}

func (j *reportJob) progress(now time.Time) buildProgress {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := buildProgress{Steps: j.steps, Of: j.of, Waiting: j.waitingSlot, ElapsedSecs: int(now.Sub(j.started).Seconds())}
	if j.of > 0 {
		p.Percent = 100 * j.steps / j.of
	}
	return p
}
