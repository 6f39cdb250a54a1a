package exports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ateval/ateval/forms"
)

// colKey names a column by what fills it: "item:ID", "score:INSTRUMENT:NAME",
// "day:INSTRUMENT", "resp:INSTRUMENT"; in the wide layout prefixed by
// the timepoint and "|".
func colKey(tp forms.Timepoint, what string) string {
	if tp == "" {
		return what
	}
	return string(tp) + "|" + what
}

func (p *Plan) add(key string, c Column) error {
	if _, dup := p.position[key]; dup {
		return fmt.Errorf("exports: column %s twice", key)
	}
	for _, o := range p.columns {
		if o.Name == c.Name {
			return fmt.Errorf("exports: two columns are named %s", c.Name)
		}
	}
	p.position[key] = len(p.columns)
	p.columns = append(p.columns, c)
	return nil
}

// buildColumns fixes the columns of the plan's layout. Names are stable:
// they depend on the framework and the agreement, never on the data.
func (p *Plan) buildColumns() error {
	p.position = map[string]int{}
	f := p.opt.Framework
	fixed := []Column{{Name: "pseudonym", Label: "The resident's pseudonym under this data sharing agreement (keyed HMAC-SHA256)", Type: "string"}}
	for j, x := range qis() {
		c := Column{Name: x.name, Type: "category", Label: qiLabels[x.name]}
		seen := map[string]bool{}
		for _, e := range p.entries {
			seen[e.qis[j]] = true
		}
		for v := range seen {
			label := qiLevelLabel(x.name, v)
			if name, ok := p.opt.BoroughNames[v]; ok && x.name == QIBorough {
				label = name
			}
			c.Levels = append(c.Levels, ColumnLevel{Code: v, Label: label})
		}
		sort.Slice(c.Levels, func(a, b int) bool { return c.Levels[a].Code < c.Levels[b].Code })
		fixed = append(fixed, c)
	}
	for _, c := range fixed {
		if err := p.add("fixed:"+c.Name, c); err != nil {
			return err
		}
	}
	if p.opt.Layout == LayoutLong {
		inst := Column{Name: "instrument", Type: "category", Label: "Instrument of the assessment"}
		for _, in := range f.Instruments() {
			if p.allowed[in.ID] {
				inst.Levels = append(inst.Levels, ColumnLevel{Code: in.ID, Label: in.Name})
			}
		}
		tp := Column{Name: "timepoint", Type: "category", Label: "Scheduled timepoint", Levels: timepointLevels()}
		for _, c := range []Column{inst, tp,
			{Name: "day", Type: "integer", Unit: "days", Label: dayLabel},
			{Name: "respondent", Type: "category", Label: "Who answered", Levels: respondentLevels()},
			{Name: "framework_version", Type: "string", Label: "Version of the evaluation framework the answers were recorded and scored under"}} {
			if err := p.add("fixed:"+c.Name, c); err != nil {
				return err
			}
		}
		return p.addInstrumentColumns("", f.Instruments())
	}
	for _, w := range f.Windows() {
		var ins []*forms.Instrument
		for _, id := range w.Instruments {
			if in, ok := f.Instrument(id); ok {
				ins = append(ins, in)
			}
		}
		if err := p.addInstrumentColumns(w.Timepoint, ins); err != nil {
			return err
		}
	}
	return nil
}

func (p *Plan) addInstrumentColumns(tp forms.Timepoint, ins []*forms.Instrument) error {
	f := p.opt.Framework
	name := func(base string) string {
		if tp == "" {
			return SafeName(base)
		}
		return SafeName(base + "_" + wideSuffix(tp))
	}
	for _, in := range ins {
		if !p.allowed[in.ID] {
			continue
		}
		pre := instrumentPrefix(in.ID)
		if tp != "" {
			day := Column{Name: name(pre + "_day"), Type: "integer", Unit: "days", Label: dayLabel, Instrument: in.ID, Timepoint: string(tp)}
			resp := Column{Name: name(pre + "_resp"), Type: "category", Label: "Who answered", Levels: respondentLevels(), Instrument: in.ID, Timepoint: string(tp)}
			if err := p.add(colKey(tp, "day:"+in.ID), day); err != nil {
				return err
			}
			if err := p.add(colKey(tp, "resp:"+in.ID), resp); err != nil {
				return err
			}
		}
		if p.items {
			for _, it := range in.Items {
				c := itemColumn(in, it)
				c.Name, c.Timepoint = name(it.ID), string(tp)
				if err := p.addValue(colKey(tp, "item:"+it.ID), c); err != nil {
					return err
				}
			}
		}
		if p.score {
			for _, r := range in.Scores {
				c := scoreColumn(f, in, r)
				c.Name, c.Timepoint = name(scoreBase(f, in, r)), string(tp)
				if err := p.addValue(colKey(tp, "score:"+in.ID+":"+r.Name), c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// addValue adds a value column and, after it, its missing-reason
// column, keyed as the value's key with "missing:" before it.
func (p *Plan) addValue(key string, c Column) error {
	m := missingColumn(c)
	c.MissingColumn = m.Name
	if err := p.add(key, c); err != nil {
		return err
	}
	return p.add(missingKey(key), m)
}

// missingKey is the key of the missing-reason column of the value
// column keyed key.
func missingKey(key string) string {
	if tp, what, ok := strings.Cut(key, "|"); ok {
		return tp + "|missing:" + what
	}
	return "missing:" + key
}

// fill writes an assessment's values into row at the columns for tp ("" in
// the long layout).
func (p *Plan) fill(row []string, tp forms.Timepoint, e *entry, a *forms.Assessment) {
	set := func(key, v string) {
		if i, ok := p.position[colKey(tp, key)]; ok {
			row[i] = v
		}
	}
	day := strconv.Itoa(a.AssessedOn.DaysSince(e.origin))
	if tp == "" {
		set("fixed:instrument", a.Instrument)
		set("fixed:timepoint", string(a.Timepoint))
		set("fixed:day", day)
		set("fixed:respondent", string(a.Respondent))
		set("fixed:framework_version", a.FrameworkVersion)
	} else {
		set("day:"+a.Instrument, day)
		set("resp:"+a.Instrument, string(a.Respondent))
	}
	for _, ans := range a.Answers {
		if ans.Value != nil {
			set("item:"+ans.Item, strconv.FormatFloat(*ans.Value, 'f', -1, 64))
		} else {
			set("missing:item:"+ans.Item, string(ans.Missing))
		}
	}
	for _, s := range a.Scores {
		if s.Value != nil {
			set("score:"+a.Instrument+":"+s.Name, strconv.FormatFloat(*s.Value, 'f', -1, 64))
		} else {
			set("missing:score:"+a.Instrument+":"+s.Name, NotScorable)
		}
	}
}

const dayLabel = "Days from the resident's first device issue (or enrolment, for a resident with no device) to the assessment; negative before it"

var qiLabels = map[string]string{
	QIAgeBand:        "Age at enrolment, from the year of birth, in bands (see the disclosure report for the width); * suppressed",
	QISex:            "Sex as recorded; * suppressed",
	QIEthnicGroup:    "Ethnic group (ONS 2021 high-level), or white / ethnic_minority / not_stated if generalised; * suppressed",
	QIBorough:        "Borough (its short code, labelled with its name); * suppressed",
	QIDeviceCategory: "Category of the first device issued, or its broader group if generalised; none for no device; * suppressed",
	QILivingAlone:    "Living alone; * suppressed",
	QIGroup:          "Evaluation arm (intervention or comparison), a quasi-identifier like the columns before it; * suppressed",
}
