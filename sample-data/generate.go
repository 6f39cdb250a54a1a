package sampledata

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// DefaultSeed is the seed of the committed sample.
const DefaultSeed uint64 = 20261123

// Defaults of the committed sample.
const (
	DefaultResidents = 3000
	DefaultBoroughs  = 16
	// FrameworkVersion is the version of the common framework every
	// assessment in the sample was taken under.
	FrameworkVersion = "2026.1"
)

// AsOf returns the date the sample describes: nothing happens after it,
// and follow-ups falling later are still due.
func AsOf() ateval.Date { return ateval.NewDate(2026, 11, 1) }

// Config says what to generate.
type Config struct {
	Seed uint64
	// Residents is the total number of residents over all boroughs.
	Residents int
	// Boroughs is 16 (the LOTI boroughs) or 33 (all of London).
	Boroughs int
}

// DefaultConfig returns the configuration of the committed sample.
func DefaultConfig() Config {
	return Config{Seed: DefaultSeed, Residents: DefaultResidents, Boroughs: DefaultBoroughs}
}

// Writers receive one CSV file each.
type Writers struct {
	Boroughs, Devices, Residents, DeviceIssues, Assessments io.Writer
}

// Files names the CSV file of each kind, in the order the importer loads
// them.
func Files() []string {
	return []string{"boroughs.csv", "devices.csv", "residents.csv", "device_issues.csv", "assessments.csv"}
}

// Headers of the CSV files: fixed contracts with the importer, which
// recognises a file's kind by its header.
var (
	boroughsHeader     = []string{"borough", "name", "gss_code"}
	devicesHeader      = []string{"device", "category", "product", "supplier", "unit_cost_pence", "weekly_monitoring_pence", "monitored", "generation_tier"}
	residentsHeader    = []string{"borough", "resident_ref", "year_of_birth", "sex", "ethnic_group", "living_alone", "primary_support_reason", "registered_on", "group", "enrolled_on", "objected_on", "given_name", "family_name", "nhs_number", "address", "postcode", "date_of_birth"}
	deviceIssuesHeader = []string{"borough", "resident_ref", "device", "issued_on", "installed_on", "removed_on", "removal_reason", "removal_note"}
	assessmentsHeader  = []string{"borough", "resident_ref", "instrument", "timepoint", "assessed_on", "respondent", "framework_version", "answers"}
)

// Summary counts the rows written.
type Summary struct {
	Boroughs, Devices, Residents, DeviceIssues, Assessments int
	// ResidentsByBorough maps each borough's slug to its residents.
	ResidentsByBorough map[string]int
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Boroughs != 16 && c.Boroughs != 33 {
		return ateval.Errorf(ateval.EINVALID, "boroughs must be 16 (the LOTI boroughs) or 33 (all of London), not %d", c.Boroughs)
	}
	if c.Residents < c.Boroughs || c.Residents > maxNHSNumbers {
		return ateval.Errorf(ateval.EINVALID, "residents must be between %d (one per borough) and %d, not %d", c.Boroughs, maxNHSNumbers, c.Residents)
	}
	return nil
}

// Generate writes the dataset to w, one borough at a time, so that memory
// stays small however many residents are asked for.
func Generate(cfg Config, w Writers) (sum Summary, err error) {
	defer ateval.Wrap(&err, "sampledata.Generate")
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	bs, err := selectBoroughs(cfg.Boroughs)
	if err != nil {
		return sum, err
	}
	out := struct{ b, d, r, di, a *csv.Writer }{csv.NewWriter(w.Boroughs), csv.NewWriter(w.Devices), csv.NewWriter(w.Residents), csv.NewWriter(w.DeviceIssues), csv.NewWriter(w.Assessments)}
	all := []*csv.Writer{out.b, out.d, out.r, out.di, out.a}
	for i, h := range [][]string{boroughsHeader, devicesHeader, residentsHeader, deviceIssuesHeader, assessmentsHeader} {
		all[i].Write(h)
	}
	for _, b := range bs {
		out.b.Write([]string{ateval.Slugify(b.name), b.name, fmt.Sprintf("E090000%02d", b.gss)})
		sum.Boroughs++
	}
	cat := catalogue()
	for _, d := range cat {
		out.d.Write([]string{d.Code, d.Category, d.Product, d.Supplier, itoa(d.UnitCostPence), itoa(d.WeeklyMonitoringPence), strconv.FormatBool(d.Monitored), d.GenerationTier})
		sum.Devices++
	}
	g := newGenerator(cfg.Seed, cat)
	sum.ResidentsByBorough = map[string]int{}
	for bi, n := range allocate(bs, cfg.Residents) {
		b := &bs[bi]
		slug := ateval.Slugify(b.name)
		be := g.boroughEffects(b)
		for i := range n {
			p := g.person(b, be, i)
			out.r.Write(residentRow(slug, p))
			for _, di := range p.issues {
				out.di.Write([]string{slug, p.res.Reference, di.device.Code, di.IssuedOn.String(), di.InstalledOn.String(), di.RemovedOn.String(), string(di.RemovalReason), di.RemovalNote})
				sum.DeviceIssues++
			}
			for _, a := range g.assessments(p, b, be) {
				out.a.Write([]string{slug, p.res.Reference, a.instrument, a.timepoint, a.on.String(), a.respondent, FrameworkVersion, a.answers})
				sum.Assessments++
			}
			sum.Residents++
		}
		sum.ResidentsByBorough[slug] = n
		for _, cw := range all {
			if cw.Flush(); cw.Error() != nil {
				return sum, cw.Error()
			}
		}
	}
	return sum, nil
}

func residentRow(slug string, p *person) []string {
	r, id := &p.res, &p.id
	return []string{slug, r.Reference, strconv.Itoa(r.YearOfBirth), string(r.Sex), string(r.EthnicGroup), strconv.FormatBool(r.LivingAlone), string(r.PrimarySupportReason), r.RegisteredOn.String(), string(r.Group), r.EnrolledOn.String(), r.ObjectedOn.String(), id.GivenName, id.FamilyName, id.NHSNumber, id.Address, id.Postcode, id.DateOfBirth.String()}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// WriteDir generates the dataset into the five CSV files of Files() in
// dir, creating dir if need be.
func WriteDir(dir string, cfg Config) (sum Summary, err error) {
	defer ateval.Wrap(&err, "sampledata.WriteDir(%q)", dir)
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, err
	}
	var files []*os.File
	var bufs []*bufio.Writer
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, name := range Files() {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return sum, err
		}
		files = append(files, f)
		bufs = append(bufs, bufio.NewWriterSize(f, 1<<16))
	}
	sum, err = Generate(cfg, Writers{bufs[0], bufs[1], bufs[2], bufs[3], bufs[4]})
	if err != nil {
		return sum, err
	}
	for i, b := range bufs {
		if err := b.Flush(); err != nil {
			return sum, err
		}
		if err := files[i].Close(); err != nil {
			return sum, err
		}
	}
	files = nil
	return sum, nil
}

// ResidentsFor estimates how many residents give about target assessment
// rows with cfg's seed and boroughs, from a pilot generation.
func ResidentsFor(cfg Config, target int) (int, error) {
	pilot := cfg
	pilot.Residents = 100 * cfg.Boroughs
	d := io.Discard
	sum, err := Generate(pilot, Writers{d, d, d, d, d})
	if err != nil {
		return 0, err
	}
	perResident := float64(sum.Assessments) / float64(sum.Residents)
	return max(cfg.Boroughs, int(math.Ceil(float64(target)/perResident))), nil
}

// generator holds what every resident's generation shares.
type generator struct {
	seed     uint64
	byCat    [][]devices.Device // catalogue products per category index
	nhs      nhsNumbers
	outcomes []outcomeSpec
}

func newGenerator(seed uint64, cat []devices.Device) *generator {
	idx := categoryIndex()
	g := &generator{seed: seed, byCat: make([][]devices.Device, len(idx)), nhs: nhsNumbers{used: map[int]bool{}}, outcomes: outcomeSpecs()}
	for _, d := range cat {
		g.byCat[idx[d.Category]] = append(g.byCat[idx[d.Category]], d)
	}
	return g
}

// rng returns the random stream for one purpose: a borough (resident -1)
// or one resident of it. Keys are mixed with SplitMix64 so that
// neighbouring residents get unrelated streams.
func (g *generator) rng(gss, resident int) *rand.Rand {
	key := uint64(gss)<<32 | uint64(uint32(resident))
	return rand.New(rand.NewPCG(splitmix(g.seed^splitmix(key)), splitmix(key+0x9e3779b97f4a7c15)))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
