package reports

// Chart is one chart of the report: its file name under charts/, the PNG,
// its title and the alt text a screen reader reads.
type Chart struct {
	Name  string
	Title string
	Alt   string
	PNG   []byte
}
