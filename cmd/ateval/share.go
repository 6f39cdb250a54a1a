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
	"github.com/ateval/ateval/storage/hub"
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
	// The share ledger: what the borough's bundles last released, so that
	// this one cannot be subtracted from them to a resident
	// (federation.Successive), and its bundle number, which runs on
	// across its keys.
	sys := ateval.SystemContext(ctx)
	last, ledger, err := hub.Of(db).ShareLedger(sys, *borough)
	if err != nil {
		return err
	}
	fileSeq, err := nextSequence(*keyPath + ".seq")
	if err != nil {
		return err
	}
	seq := max(last+1, fileSeq)
	var entries map[hub.LedgerKey][]federation.Cell
	var unchanged int
	body.Statistics, entries, unchanged = applyLedger(body.Statistics, ledger, rules.MinCell)
	setPeriods(&body)
	if len(body.Statistics) == 0 {
		return ateval.Errorf(ateval.EINVALID, "%s has no cell the disclosure gate releases: nothing to share", *borough)
	}
	body.Sequence = seq
	body.Made = time.Now()
	b := federation.Sign(body, key)
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		return err
	}
	// The ledger is written before the file: a bundle written but not
	// recorded could be followed by one that differences to it.
	if err := hub.Of(db).RecordShare(sys, *borough, seq, b.KeyID, b.Made, entries); err != nil {
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
	if unchanged > 0 {
		fmt.Fprintf(env.Stdout, "%d groups of cells are as in bundle %d, or held back, because fewer than %d residents changed in them since\n", unchanged, last, rules.MinCell)
	}
	return nil
}

// applyLedger passes each family of cells (a statistic's device category
// and arm) through federation.Successive against the ledger, and returns
// the statistics to send (those with a cell left), the ledger's new
// entries, and how many families were not sent as released now.
//
// A score's reference is under the ledger too (referenceLedger): it pools
// every resident of the statistic, so a new one is sent only with
// minChange residents more than the last; otherwise the last is sent
// again, and with fewer residents than the last, nothing of the statistic
// is sent until it has grown past it.
func applyLedger(stats []federation.Statistic, ledger map[hub.LedgerKey][]federation.Cell, minChange int) ([]federation.Statistic, map[hub.LedgerKey][]federation.Cell, int) {
	entries := map[hub.LedgerKey][]federation.Cell{}
	held := 0
	var out []federation.Statistic
	seen := map[hub.LedgerKey]bool{}
	for _, st := range stats {
		var keys []hub.LedgerKey
		fam := map[hub.LedgerKey][]federation.Cell{}
		for _, c := range st.Cells {
			k := hub.LedgerKey{Outcome: st.Outcome, Timepoint: st.Timepoint, Category: c.Category, Arm: c.Arm}
			if _, ok := fam[k]; !ok {
				keys = append(keys, k)
			}
			fam[k] = append(fam[k], c)
		}
		sent := federation.Statistic{Outcome: st.Outcome, Timepoint: st.Timepoint, Kind: st.Kind}
		if st.Reference != nil {
			rk := referenceKey(st)
			seen[rk] = true
			ref, keep, ok := referenceLedger(st, ledger[rk], minChange)
			entries[rk] = keep
			if !ok {
				// Held back whole: every family keeps its last entry.
				for _, k := range keys {
					seen[k] = true
					if e, had := ledger[k]; had {
						entries[k] = e
					}
					held++
				}
				continue
			}
			sent.Reference = ref
		}
		for _, k := range keys {
			seen[k] = true
			send, keep := federation.Successive(formatOne(ledger[k], fam[k]), fam[k], minChange)
			// A ledger entry of a bundle of format 1 that no current cell
			// matches holds exact sums this format does not carry: such a
			// cell is held back, not sent again, until the block has grown
			// minChange residents past it.
			send = slices.DeleteFunc(send, func(c federation.Cell) bool { return len(c.Values) == 0 })
			entries[k] = keep
			if !slices.EqualFunc(send, fam[k], sameCell) {
				held++
			}
			sent.Cells = append(sent.Cells, send...)
		}
		if len(sent.Cells) > 0 {
			out = append(out, sent)
		}
	}
	for k := range ledger {
		if !seen[k] {
			held++ // released before, withheld by the gate now: its entry stays
		}
	}
	return out, entries, held
}

// referenceKey is the ledger's entry for a score's reference: an arm no
// cell has.
func referenceKey(st federation.Statistic) hub.LedgerKey {
	return hub.LedgerKey{Outcome: st.Outcome, Timepoint: st.Timepoint, Arm: "reference"}
}

// referenceLedger decides which reference a statistic's bundle carries,
// given the last one sent (prev: one cell whose n is the residents it
// pooled and whose values are the reference). ok is false when nothing of
// the statistic may be sent.
func referenceLedger(st federation.Statistic, prev []federation.Cell, minChange int) (ref *federation.Reference, keep []federation.Cell, ok bool) {
	n := 0
	for _, c := range st.Cells {
		n += c.N
	}
	now := []federation.Cell{{Arm: "reference", Periods: []int{0}, N: n, Values: st.Reference.Values()}}
	if len(prev) != 1 || len(prev[0].Values) != 4 {
		return st.Reference, now, true
	}
	last := prev[0]
	switch {
	case n >= last.N+minChange:
		return st.Reference, now, true
	case n < last.N:
		return nil, prev, false
	}
	return federation.ReferenceOf(last.Values), prev, true
}

// formatOne replaces each cell of a ledger entry made by a bundle of
// format 1 (no values, its exact sums dropped) with the current cell it
// is (same category, arm, years, residents and record keys): the hub held
// that cell's exact sums, so its protected values tell it nothing new,
// and a block nobody joined is sent again rather than held back for ever.
func formatOne(prev, next []federation.Cell) []federation.Cell {
	out := slices.Clone(prev)
	for i, p := range out {
		if len(p.Values) > 0 {
			continue
		}
		for _, c := range next {
			if c.Category == p.Category && c.Arm == p.Arm && c.N == p.N && c.Key == p.Key && slices.Equal(c.Periods, p.Periods) {
				out[i] = c
			}
		}
	}
	return out
}

func sameCell(a, b federation.Cell) bool {
	return a.Category == b.Category && a.Arm == b.Arm && a.N == b.N && a.Key == b.Key && slices.Equal(a.Periods, b.Periods) && slices.Equal(a.Values, b.Values)
}

// setPeriods sets the bundle's period to the financial years its cells
// cover.
func setPeriods(body *federation.Body) {
	first := true
	for _, st := range body.Statistics {
		for _, c := range st.Cells {
			for _, p := range c.Periods {
				if first || p < body.PeriodFrom {
					body.PeriodFrom = p
				}
				if first || p > body.PeriodTo {
					body.PeriodTo = p
				}
				first = false
			}
		}
	}
}

// bundleBody turns the released cells into a bundle's body, leaving out
// statistics with no released cell.
func bundleBody(borough string, rules disclosure.Rules, stats []reports.SharedStatistic) federation.Body {
	body := federation.Body{Borough: borough, FrameworkVersion: forms.CurrentVersion, MinBoroughN: rules.MinBoroughN, MinCell: rules.MinCell}
	for _, s := range stats {
		if len(s.Cells) == 0 {
			continue
		}
		st := federation.Statistic{Outcome: s.Outcome.ID, Timepoint: s.Timepoint, Kind: string(s.Outcome.Kind)}
		st.Reference = federation.ReferenceOf(s.Reference)
		for _, r := range s.Cells {
			c := federation.Cell{Category: r.Category, Arm: r.Arm, N: r.N, Key: r.Key, Values: slices.Clone(r.Values)}
			for _, p := range r.Periods {
				c.Periods = append(c.Periods, int(p))
			}
			st.Cells = append(st.Cells, c)
		}
		body.Statistics = append(body.Statistics, st)
	}
	setPeriods(&body)
	return body
}

// nextSequence reads the last sequence number from path (none: 0) and
// returns the next. The borough's database holds its number too (its
// share ledger), which runs on across keys; this file, beside the key,
// is kept for bundles made before the ledger.
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
