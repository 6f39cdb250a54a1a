package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar draws a one-line bar on a terminal, and nothing when output
// is not a terminal (a log file wants no carriage returns).
type progressBar struct {
	w     io.Writer
	label string
	on    bool
	start time.Time

	mu          sync.Mutex
	last        time.Time
	done, total int64
	drawn       bool
	// lockedAt is when the command took the database's write lock, if it
	// holds it: the bar then says so, and for how long, redrawn every
	// second until Done.
	lockedAt time.Time
	stop     chan struct{}
}

func newProgressBar(env *cliEnv, label string) *progressBar {
	return &progressBar{w: env.Stderr, label: label, on: env.IsTerminal, start: time.Now()}
}

// Update draws done of total (units are the caller's: bytes, rows).
func (p *progressBar) Update(done, total int64) {
	if !p.on || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.done, p.total = done, total
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.draw(now)
}

// HoldsWriteLock marks the moment the command took the database's write
// lock: from then on the bar says that the server's writes wait for it,
// and how long it has been held, redrawn every second (the last stretch
// of an import, writing indexes and committing, reads nothing).
func (p *progressBar) HoldsWriteLock() {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lockedAt = time.Now()
	p.stop = make(chan struct{})
	go func(stop <-chan struct{}) {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				p.mu.Lock()
				p.draw(now)
				p.mu.Unlock()
			}
		}
	}(p.stop)
}

// draw writes the bar; p.mu is held.
func (p *progressBar) draw(now time.Time) {
	p.last = now
	frac := 0.0
	if p.total > 0 {
		frac = min(float64(p.done)/float64(p.total), 1)
	}
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %s", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, now.Sub(p.start).Round(time.Second))
	if !p.lockedAt.IsZero() {
		fmt.Fprintf(p.w, " · holding the write lock %s: a server's writes wait for it", now.Sub(p.lockedAt).Round(time.Second))
	}
	p.drawn = true
}

// Done ends the bar's line.
func (p *progressBar) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
