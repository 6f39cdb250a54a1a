package server

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
)

// TestReportCache builds one report per key at a time, shows progress
// while it runs, serves it until it expires, and builds a failed one
// again.
func TestReportCache(t *testing.T) {
	release := make(chan struct{})
	var builds atomic.Int32
	var fail atomic.Bool
	c := newReportCache(context.Background(), func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		builds.Add(1)
		opt.Progress(1, 4)
		<-release
		if fail.Load() {
			return nil, errors.New("database gone")
		}
		return &reports.Report{FrameworkVersion: "test"}, nil
	})
	var clock sync.Mutex
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }

	j := mustJob(t, c, "a")
	if j2 := mustJob(t, c, "a"); j2 != j {
		t.Fatal("a second request for the same report started another build")
	}
	if j.wait(context.Background(), 10*time.Millisecond) {
		t.Fatal("the build finished before it was released")
	}
	deadline := time.Now().Add(5 * time.Second)
	for j.progress(c.now()).Steps != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if p := j.progress(c.now()); p.Steps != 1 || p.Of != 4 || p.Percent != 25 || p.Waiting {
		t.Errorf("progress %+v, want 1 of 4 steps, 25%%", p)
	}
	close(release)
	if !j.wait(context.Background(), 5*time.Second) {
		t.Fatal("the build did not finish")
	}
	if r, err := j.result(); err != nil || r.FrameworkVersion != "test" {
		t.Fatalf("result %v, %v", r, err)
	}
	advance(5 * time.Minute)
	if mustJob(t, c, "a") != j {
		t.Error("the report was built again within its time to live")
	}
	advance(10 * time.Minute)
	j3 := mustJob(t, c, "a")
	if j3 == j {
		t.Fatal("an expired report was served")
	}
	j3.wait(context.Background(), 5*time.Second)
	fail.Store(true)
	advance(time.Hour)
	j4 := mustJob(t, c, "a")
	j4.wait(context.Background(), 5*time.Second)
	if _, err := j4.result(); err == nil {
		t.Fatal("the failing build gave no error")
	}
	fail.Store(false)
	j5 := mustJob(t, c, "a")
	if j5 == j4 {
		t.Error("a failed build was kept rather than tried again")
	}
	j5.wait(context.Background(), 5*time.Second)
	if builds.Load() < 4 {
		t.Errorf("%d builds, want at least 4", builds.Load())
	}
}

func mustJob(t *testing.T, c *reportCache, key string) *reportJob {
	t.Helper()
	return mustJobOf(t, c, key, 0)
}

// mustJobOf asks for the report of key as user.
func mustJobOf(t *testing.T, c *reportCache, key string, user int64) *reportJob {
	t.Helper()
	j, err := c.job(key, reports.Options{}, user)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestReportCacheFull refuses a new report while every place in the
// cache holds one still being built, and takes it once one finishes.
func TestReportCacheFull(t *testing.T) {
	release := make(chan struct{})
	c := newReportCache(context.Background(), func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		<-release
		return &reports.Report{}, nil
	})
	c.max = 3
	var jobs []*reportJob
	for i, k := range []string{"a", "b", "c"} {
		jobs = append(jobs, mustJobOf(t, c, k, int64(i+1)))
	}
	if _, err := c.job("d", reports.Options{}, 4); err != errReportsBusy {
		t.Fatalf("a fourth report while three are building: %v, want errReportsBusy", err)
	}
	close(release)
	for _, j := range jobs {
		j.wait(context.Background(), 5*time.Second)
	}
	if _, err := c.job("d", reports.Options{}, 4); err != nil {
		t.Errorf("a fourth report once the others are built: %v", err)
	}
}

// TestReportCacheFairPerUser has one user ask for many filter sets at
// once: two are taken, the rest refused with how many they have; a
// second user's report is queued, and built before the first user's
// next, whenever a worker comes free; and asking for a report already
// under way costs nothing.
func TestReportCacheFairPerUser(t *testing.T) {
	const alice, bob = 1, 2
	gates := map[string]chan struct{}{}
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5", "b1", "b2"} {
		gates[k] = make(chan struct{})
	}
	started := make(chan string, 10)
	c := newReportCache(context.Background(), func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		k := opt.Filter.DeviceCategory
		started <- k
		<-gates[k]
		return &reports.Report{FrameworkVersion: k}, nil
	})
	ask := func(key string, user int64) (*reportJob, error) {
		var opt reports.Options
		opt.Filter.DeviceCategory = key
		return c.job(key, opt, user)
	}
	next := func() string {
		t.Helper()
		select {
		case k := <-started:
			return k
		case <-time.After(5 * time.Second):
			t.Fatal("no build started")
			return ""
		}
	}
	noneStarted := func() {
		t.Helper()
		select {
		case k := <-started:
			t.Fatalf("build %s started; want none while the workers are busy", k)
		case <-time.After(20 * time.Millisecond):
		}
	}
	jobs := map[string]*reportJob{}
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5"} {
		j, err := ask(k, alice)
		switch {
		case k == "a1" || k == "a2":
			if err != nil {
				t.Fatalf("alice's %s: %v", k, err)
			}
			jobs[k] = j
		case ateval.ErrorCode(err) != ateval.ERATELIMITED || statusOf(ateval.ErrorCode(err)) != 429 ||
			ateval.ErrorMessage(err) != "You already have 2 reports being prepared; wait for them to finish before asking for another.":
			t.Errorf("alice's %s with two under way: %v, want 429 saying she has 2", k, err)
		}
	}
	if got := []string{next(), next()}; !(got[0] == "a1" && got[1] == "a2" || got[0] == "a2" && got[1] == "a1") {
		t.Fatalf("started %v, want alice's two", got)
	}
	// Bob may read alice's report under way: it is not his to count.
	if j, err := ask("a1", bob); err != nil || j != jobs["a1"] {
		t.Errorf("bob asks for the report alice's build is making: %v", err)
	}
	b1, err := ask("b1", bob)
	if err != nil {
		t.Fatalf("bob's report while alice has hers: %v", err)
	}
	if p := b1.progress(c.now()); !p.Waiting {
		t.Errorf("bob's build %+v, want it waiting for a worker", p)
	}
	noneStarted()
	// A worker comes free: bob's build is next, then alice may ask again
	// and waits her turn behind bob's second.
	close(gates["a1"])
	if k := next(); k != "b1" {
		t.Fatalf("after alice's first build, %s started; want bob's", k)
	}
	jobs["a1"].wait(context.Background(), 5*time.Second)
	if _, err := ask("b2", bob); err != nil {
		t.Fatalf("bob's second: %v", err)
	}
	if _, err := ask("a3", alice); err != nil {
		t.Fatalf("alice's third once her first is built: %v", err)
	}
	if _, err := ask("a4", alice); ateval.ErrorCode(err) != ateval.ERATELIMITED {
		t.Errorf("alice's fourth with two under way: %v, want refused", err)
	}
	close(gates["b1"])
	if k := next(); k != "b2" {
		t.Fatalf("after bob's first, %s started; want bob's second, queued before alice's third", k)
	}
	close(gates["a2"])
	if k := next(); k != "a3" {
		t.Fatalf("after alice's second, %s started; want her third", k)
	}
	close(gates["b2"])
	close(gates["a3"])
	for _, k := range []string{"a4", "a5"} {
		close(gates[k])
	}
	if !b1.wait(context.Background(), 5*time.Second) {
		t.Fatal("bob's report was not built")
	}
	if r, err := b1.result(); err != nil || r.FrameworkVersion != "b1" {
		t.Errorf("bob's report: %v %v", r, err)
	}
}

// TestReportCacheBuildPanics turns a panicking build into its error and
// frees its worker and its owner's place.
func TestReportCacheBuildPanics(t *testing.T) {
	c := newReportCache(context.Background(), func(ctx context.Context, opt reports.Options) (*reports.Report, error) { panic("boom") })
	c.workers, c.perUser = 1, 1
	j := mustJobOf(t, c, "a", 1)
	if !j.wait(context.Background(), 5*time.Second) {
		t.Fatal("the build did not finish")
	}
	if _, err := j.result(); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("result of a panicking build: %v", err)
	}
	j2 := mustJobOf(t, c, "b", 1)
	if !j2.wait(context.Background(), 5*time.Second) {
		t.Error("the worker was not freed after a panic")
	}
}

// TestReportBuildStopsWithTheServer: a build runs as the report builder,
// under the server's context, and is cancelled when the server stops.
func TestReportBuildStopsWithTheServer(t *testing.T) {
	base, stop := context.WithCancel(context.Background())
	seen := make(chan *ateval.User, 1)
	c := newReportCache(base, func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		seen <- ateval.UserFromContext(ctx)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	j := mustJob(t, c, "a")
	if u := <-seen; u == nil || u.Role != ateval.RoleReportBuilder {
		t.Errorf("the build runs as %+v, want the report builder", u)
	}
	stop()
	if !j.wait(context.Background(), 5*time.Second) {
		t.Fatal("the build went on after the server stopped")
	}
	if _, err := j.result(); !errors.Is(err, context.Canceled) {
		t.Errorf("the build ended with %v, want it cancelled", err)
	}
}
