package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage/summaries"
)

// runShare writes the signed evidence bundle of the borough whose
// residents the database holds: the cells of its summaries the disclosure
// gate releases (see reports.Shared and package federation).
func runShare(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "share", "share --db PATH|URL --key KEY --out FILE [--borough SLUG]")
	dsn := dbFlag(fs, env)
	keyPath := fs.String("key", "", "the borough's private key (ateval keygen); its sequence is kept in KEY.seq")
	out := fs.String("out", "", "file to write the bundle to")
	borough := fs.String("borough", "", "the borough to share, when the database holds several")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyPath == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval share: --key and --out are required and no other arguments are taken")
		fs.Usage()
		return errUsage
	}
	key, err := federation.ReadPrivateKey(*keyPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	rctx := ateval.ReportContext(ctx)
	held, err := reports.BoroughsHeld(rctx, summaries.Of(db))
	if err != nil {
		return err
	}
	switch {
	case *borough == "" && len(held) == 1:
		*borough = held[0]
	case *borough == "":
		return ateval.Errorf(ateval.EINVALID, "the database holds residents of %d boroughs (%s): name one with --borough", len(held), strings.Join(held, ", "))
	case !slices.Contains(held, *borough):
		return ateval.Errorf(ateval.EINVALID, "the database holds no enrolled residents of %q", *borough)
	}
	rules := disclosure.Defaults()
	stats, withheld, err := reports.Shared(rctx, summaries.Of(db), *borough, rules)
	if err != nil {
		return err
	}
	body := bundleBody(*borough, rules, stats)
	if len(body.Statistics) == 0 {
		return ateval.Errorf(ateval.EINVALID, "%s has no cell the disclosure gate releases: nothing to share", *borough)
	}
	seq, err := nextSequence(*keyPath + ".seq")
	if err != nil {
		return err
	}
	body.Sequence = seq
	body.Made = time.Now()
	b := federation.Sign(body, key)
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(*keyPath+".seq", []byte(strconv.FormatInt(seq, 10)+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote bundle %d of %s to %s: %d statistics, financial years %d to %d; %d cells of %d residents withheld by the gate\n",
		seq, *borough, *out, len(body.Statistics), body.PeriodFrom, body.PeriodTo, withheld.Cells, withheld.Residents)
	return nil
}

// bundleBody turns the released cells into a bundle's body, leaving out
// statistics with no released cell.
func bundleBody(borough string, rules disclosure.Rules, stats []reports.SharedStatistic) federation.Body {
	body := federation.Body{Borough: borough, FrameworkVersion: forms.CurrentVersion, MinBoroughN: rules.MinBoroughN, MinCell: rules.MinCell}
	first := true
	for _, s := range stats {
		if len(s.Cells) == 0 {
			continue
		}
		st := federation.Statistic{Outcome: s.Outcome.ID, Timepoint: s.Timepoint, Kind: string(s.Outcome.Kind)}
		for _, r := range s.Cells {
			c := federation.Cell{Category: r.Category, Arm: r.Arm, N: r.N, Key: r.Key, Sums: slices.Clone(r.Sums)}
			for _, p := range r.Periods {
				c.Periods = append(c.Periods, int(p))
				if first || int(p) < body.PeriodFrom {
					body.PeriodFrom = int(p)
				}
				if first || int(p) > body.PeriodTo {
					body.PeriodTo = int(p)
				}
				first = false
			}
			st.Cells = append(st.Cells, c)
		}
		body.Statistics = append(body.Statistics, st)
	}
	return body
}

// nextSequence reads the last sequence number from path (none: 0) and
// returns the next.
func nextSequence(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || n < 0 {
		return 0, ateval.Errorf(ateval.EINVALID, "%s does not hold a sequence number", path)
	}
	return n + 1, nil
}
