package server

import (
	"context"
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
type reportCache struct {
	build func(ctx context.Context, opt reports.Options) (*reports.Report, error)
	// ttl is how long a built report is served before it is built again.
	ttl time.Duration
	// timeout bounds one build.
	timeout time.Duration
	// max bounds the reports kept; the oldest finished one makes room.
	max int
	// slots bounds the builds running at once; others wait their turn.
	slots chan struct{}
	now   func() time.Time

	mu   sync.Mutex
	jobs map[string]*reportJob
}

// reportJob is one build: running until done is closed, then holding
// the report or the error.
type reportJob struct {
	started time.Time
	done    chan struct{}

	mu          sync.Mutex
	steps, of   int
	finished    time.Time
	rep         *reports.Report
	err         error
	waitingSlot bool
}

func newReportCache(build func(ctx context.Context, opt reports.Options) (*reports.Report, error)) *reportCache {
	return &reportCache{build: build, ttl: 10 * time.Minute, timeout: 5 * time.Minute, max: 32,
		slots: make(chan struct{}, 2), now: time.Now, jobs: map[string]*reportJob{}}
}

// errReportsBusy refuses a new report while the cache is full of reports
// still being built, so that many filter sets at once cannot pile up
// builds without bound.
var errReportsBusy = ateval.Errorf(ateval.ERATELIMITED, "Too many reports are being built at once. Try again in a minute.")

// job returns the build of the report for key, starting one if there is
// none, or if the last has expired or failed.
func (c *reportCache) job(key string, opt reports.Options) (*reportJob, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if j, ok := c.jobs[key]; ok && !j.stale(now, c.ttl) {
		return j, nil
	}
	c.evict(now)
	if len(c.jobs) >= c.max {
		return nil, errReportsBusy
	}
	j := &reportJob{started: now, done: make(chan struct{}), waitingSlot: true}
	c.jobs[key] = j
	go c.run(j, opt)
	return j, nil
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

func (c *reportCache) run(j *reportJob, opt reports.Options) {
	c.slots <- struct{}{}
	defer func() { <-c.slots }()
	j.mu.Lock()
	j.waitingSlot = false
	j.mu.Unlock()
	// A report is built once for every permitted reader of the same
	// filters, so it is built on the application's own account; who may
	// read it is decided by the route's guard.
	ctx, cancel := context.WithTimeout(ateval.SystemContext(context.Background()), c.timeout)
	defer cancel()
	opt.Progress = func(done, total int) {
		j.mu.Lock()
		j.steps, j.of = done, total
		j.mu.Unlock()
	}
	rep, err := c.build(ctx, opt)
	j.mu.Lock()
	j.rep, j.err, j.finished = rep, err, c.now()
	j.mu.Unlock()
	close(j.done)
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
