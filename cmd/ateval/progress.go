package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws a one-line bar on a terminal, and nothing when output
// is not a terminal (a log file wants no carriage returns).
type progressBar struct {
	w     io.Writer
	label string
	on    bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgressBar(env *cliEnv, label string) *progressBar {
	return &progressBar{w: env.Stderr, label: label, on: env.IsTerminal, start: time.Now()}
}

// Update draws done of total (units are the caller's: bytes, rows).
func (p *progressBar) Update(done, total int64) {
	if !p.on || total <= 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	frac := float64(done) / float64(total)
	if frac > 1 {
		frac = 1
	}
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %s", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, now.Sub(p.start).Round(time.Second))
	p.drawn = true
}

// Done ends the bar's line.
func (p *progressBar) Done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
