package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// runScore scores one set of answers to one instrument:
//
//	ateval score --instrument swemwbs --answers 4,3,refused,5,4,4,3
//
// Answers are given in item order; a missing reason (refused,
// not_applicable, unable, not_asked) may stand in place of a value, and an
// empty place leaves the item out (as a skip rule hides it). The result is
// one JSON object: the headline score (null when not scorable, with the
// reason), every score with its method, and the framework version.
func runScore(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "score", "score --instrument ID --answers A,B,C... [--framework DIR]")
	id := fs.String("instrument", "", "instrument id, such as swemwbs or eq5d5l (see ateval framework)")
	list := fs.String("answers", "", "answers in item order, comma-separated; a missing reason in place of a value; an empty place leaves an item out")
	dir := fs.String("framework", "", "framework directory to use instead of the one built in")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	f, err := loadFramework(*dir)
	if err != nil {
		return err
	}
	in, ok := f.Instrument(*id)
	if !ok {
		return ateval.Errorf(ateval.EINVALID, "instrument %q is not in framework %s; ateval framework lists them", *id, f.Version())
	}
	answers, err := positionalAnswers(in, *list)
	if err != nil {
		return err
	}
	if err := in.Validate(answers); err != nil {
		return err
	}
	scores := in.Score(answers)
	out := scoreOutput{Instrument: in.ID, FrameworkVersion: f.Version(), Scores: scores}
	if len(scores) > 0 {
		out.Score, out.Name, out.Method, out.NotScorable = scores[0].Value, scores[0].Name, scores[0].Method, scores[0].NotScorable
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "%s\n", b)
	return err
}

type scoreOutput struct {
	Instrument       string        `json:"instrument"`
	Score            *float64      `json:"score"` // the headline; null when not scorable
	Name             string        `json:"name,omitempty"`
	Method           string        `json:"method,omitempty"`
	NotScorable      string        `json:"not_scorable,omitempty"`
	Scores           []forms.Score `json:"scores"`
	FrameworkVersion string        `json:"framework_version"`
}

// positionalAnswers reads comma-separated answers in the instrument's item
// order.
func positionalAnswers(in *forms.Instrument, list string) ([]forms.Answer, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	parts := strings.Split(list, ",")
	if len(parts) > len(in.Items) {
		return nil, ateval.Errorf(ateval.EINVALID, "%d answers given; %s has %d items", len(parts), in.ID, len(in.Items))
	}
	var answers []forms.Answer
	var fields []ateval.FieldError
	for i, p := range parts {
		p = strings.TrimSpace(p)
		item := in.Items[i].ID
		if p == "" {
			continue
		}
		a := forms.Answer{Item: item}
		if r := forms.MissingReason(p); r.Valid() {
			a.Missing = r
		} else if v, err := strconv.ParseFloat(p, 64); err == nil {
			a.Value = &v
		} else {
			fields = append(fields, ateval.FieldError{Field: item, Message: fmt.Sprintf("%q is neither a number nor a missing reason (refused, not_applicable, unable, not_asked)", p)})
			continue
		}
		answers = append(answers, a)
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid(in.ID+": some answers are not valid", fields)
	}
	return answers, nil
}

// loadFramework returns the built-in framework, or the one in dir.
func loadFramework(dir string) (*forms.Framework, error) {
	if dir == "" {
		return forms.Default(), nil
	}
	f, err := forms.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("framework %s: %w", dir, err)
	}
	return f, nil
}
