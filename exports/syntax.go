package exports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Syntax files, in the manner of REDCap's: beside every CSV, a script for
// R, Stata and SPSS that reads it with every column as the codebook types
// it, whatever the data (a column blank in every row is still a number),
// and labels it: numbers as numbers; categories with their codebook
// labels; each value's missing-reason column as a category of its own.
// They are made from the codebook alone, so they name no resident.

// isNumber reports whether a column holds numbers: integers, decimals and
// the coded levels of a choice item.
func (c *Column) isNumber() bool {
	switch c.Type {
	case "integer", "decimal":
		return true
	case "category":
		return c.Item != "" && c.MissingFor == ""
	}
	return false
}

// rString is s as an R string literal.
func rString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// WriteR writes an R script that reads csvFile, from the working
// directory, into a data frame named data: numbers as numeric (read as
// such, so a stray text fails loudly), text categories as factors with
// their codebook labels, a choice item's codes kept as numbers with a
// labelled factor beside them (COLUMN.factor, as REDCap's R syntax does),
// and each missing-reason column as a factor. Every column carries its
// codebook label in the attribute "label".
func (c *Codebook) WriteR(w io.Writer, csvFile string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# ateval anonymised export, %s layout, made on %s under data sharing agreement %d.\n", c.Layout, c.MadeOn, c.Agreement.ID)
	fmt.Fprintf(&b, "# Reads %s, from the working directory, into the data frame `data`:\n", csvFile)
	b.WriteString("# numbers as numbers; categories as factors with the codebook's labels (a choice\n" +
		"# item keeps its codes as numbers, with the labelled factor beside it as COLUMN.factor);\n" +
		"# the reason a value is missing in COLUMN_missing, a factor of its own.\n" +
		"# The codebook (.codebook.md) describes every column.\n\n")
	b.WriteString("as_category <- function(x, codes, labels) {\n" +
		"  outside <- !is.na(x) & !(x %in% codes)\n" +
		"  if (any(outside)) stop(\"values outside the codebook: \", paste(unique(x[outside]), collapse = \", \"))\n" +
		"  factor(x, levels = codes, labels = labels)\n}\n\n")
	fmt.Fprintf(&b, "data <- utils::read.csv(%s, na.strings = \"\", check.names = FALSE, fileEncoding = \"UTF-8\",\n  colClasses = c(\n", rString(csvFile))
	for i, col := range c.Columns {
		class := "character"
		if col.isNumber() {
			class = "numeric"
		}
		sep := ","
		if i == len(c.Columns)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s = %q%s\n", rString(col.Name), class, sep)
	}
	b.WriteString("  ))\n")
	names := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		names[i] = rString(col.Name)
	}
	fmt.Fprintf(&b, "stopifnot(identical(names(data), c(%s)))\n\n", strings.Join(names, ", "))
	for _, col := range c.Columns {
		v := "data[[" + rString(col.Name) + "]]"
		if col.Type == "category" {
			var codes, labels []string
			for _, l := range col.Levels {
				if col.isNumber() {
					codes = append(codes, l.Code)
				} else {
					codes = append(codes, rString(l.Code))
				}
				labels = append(labels, rString(l.Label))
			}
			target := v
			if col.isNumber() {
				target = "data[[" + rString(col.Name+".factor") + "]]"
			}
			fmt.Fprintf(&b, "%s <- as_category(%s, c(%s), c(%s))\n", target, v, strings.Join(codes, ", "), strings.Join(labels, ", "))
			if col.isNumber() {
				fmt.Fprintf(&b, "attr(%s, \"label\") <- %s\n", target, rString(col.Label))
			}
		}
		fmt.Fprintf(&b, "attr(%s, \"label\") <- %s\n", v, rString(col.Label))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// stataString is s as a Stata string in compound double quotes, with the
// characters that would expand a macro escaped.
func stataString(s string, max int) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
	if len(s) > max {
		s = s[:max]
		for !validUTF8End(s) {
			s = s[:len(s)-1]
		}
	}
	s = strings.NewReplacer(`\`, `\\`, "$", `\$`, "`", "\\`").Replace(s)
	return "`\"" + s + "\"'"
}

// validUTF8End reports whether s does not end inside a UTF-8 sequence.
func validUTF8End(s string) bool {
	for i := len(s) - 1; i >= 0 && i >= len(s)-4; i-- {
		c := s[i]
		if c < 0x80 {
			return true
		}
		if c >= 0xC0 { // a leading byte: is the sequence whole?
			n := 2
			if c >= 0xE0 {
				n = 3
			}
			if c >= 0xF0 {
				n = 4
			}
			return len(s)-i == n
		}
	}
	return len(s) == 0
}

// numlist writes 1-based column positions as a Stata numlist, runs as
// a/b.
func numlist(pos []int) string {
	var parts []string
	for i := 0; i < len(pos); {
		j := i
		for j+1 < len(pos) && pos[j+1] == pos[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d/%d", pos[i], pos[j]))
		} else {
			parts = append(parts, strconv.Itoa(pos[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, " ")
}

// WriteStata writes a Stata do-file that imports csvFile, from the
// working directory, with every column of the type the codebook gives it,
// numbers in double precision; labels each variable; gives a choice
// item's codes their value labels; and encodes each text category
// (quasi-identifiers, missing reasons) to numbers labelled with its codes,
// refusing a value outside the codebook.
func (c *Codebook) WriteStata(w io.Writer, csvFile string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "* ateval anonymised export, %s layout, made on %s under data sharing agreement %d.\n", c.Layout, c.MadeOn, c.Agreement.ID)
	fmt.Fprintf(&b, "* Imports %s, from the working directory: numbers as numbers, categories\n", csvFile)
	b.WriteString("* labelled, the reason a value is missing in VARIABLE_missing. The codebook\n* (.codebook.md) describes every variable.\nversion 16\n")
	var strs, nums []int
	for i, col := range c.Columns {
		if col.isNumber() {
			nums = append(nums, i+1)
		} else {
			strs = append(strs, i+1)
		}
	}
	fmt.Fprintf(&b, "import delimited using %s, varnames(1) case(preserve) encoding(\"utf-8\") delimiters(\",\") bindquotes(strict) asdouble ///\n", stataString(csvFile, 240))
	if len(strs) > 0 {
		fmt.Fprintf(&b, "  stringcols(%s) ///\n", numlist(strs))
	}
	if len(nums) > 0 {
		fmt.Fprintf(&b, "  numericcols(%s) ///\n", numlist(nums))
	}
	b.WriteString("  clear\n")
	for i, col := range c.Columns {
		fmt.Fprintf(&b, "label variable %s %s\n", col.Name, stataString(col.Label, 80))
		if col.Type != "category" {
			continue
		}
		if col.isNumber() {
			fmt.Fprintf(&b, "label define %s", col.Name)
			for _, l := range col.Levels {
				fmt.Fprintf(&b, " %s %s", l.Code, stataString(l.Label, 32000))
			}
			fmt.Fprintf(&b, ", replace\nlabel values %s %s\n", col.Name, col.Name)
			continue
		}
		if len(col.Levels) == 0 {
			continue // no value to encode
		}
		fmt.Fprintf(&b, "label define %s", col.Name)
		for j, l := range col.Levels {
			fmt.Fprintf(&b, " %d %s", j+1, stataString(l.Code, 32000))
		}
		b.WriteString(", replace\n")
		fmt.Fprintf(&b, "tempvar coded\nencode %s, generate(`coded') label(%s) noextend\n", col.Name, col.Name)
		fmt.Fprintf(&b, "drop %s\nrename `coded' %s\nlabel variable %s %s\n", col.Name, col.Name, col.Name, stataString(col.Label, 80))
		if i == 0 {
			fmt.Fprintf(&b, "order %s, first\n", col.Name)
		} else {
			fmt.Fprintf(&b, "order %s, after(%s)\n", col.Name, c.Columns[i-1].Name)
		}
	}
	b.WriteString("compress\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// spssString is s as an SPSS string literal, cut into pieces of at most
// 60 bytes joined by +, so that no line of the syntax grows long, and
// truncated to max bytes.
func spssString(s string, max int) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
	if len(s) > max {
		s = s[:max]
		for !validUTF8End(s) {
			s = s[:len(s)-1]
		}
	}
	var parts []string
	for len(s) > 60 {
		cut := 60
		for !validUTF8End(s[:cut]) {
			cut--
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	parts = append(parts, s)
	for i, p := range parts {
		parts[i] = "'" + strings.ReplaceAll(p, "'", "''") + "'"
	}
	return strings.Join(parts, " +\n    ")
}

// spssFormat is a column's format in GET DATA: F for numbers, A with room
// for the longest code for text.
func (col *Column) spssFormat() string {
	switch {
	case col.Type == "decimal":
		return "F12.4"
	case col.isNumber():
		return "F8.0"
	case col.Type == "category":
		width := 8
		for _, l := range col.Levels {
			width = max(width, len(l.Code))
		}
		return "A" + strconv.Itoa(width)
	}
	return "A64"
}

// WriteSPSS writes SPSS syntax (which PSPP also runs) that reads csvFile,
// from the working directory, with every column of the type the codebook
// gives it, and labels the variables and the values of every category,
// missing reasons included.
func (c *Codebook) WriteSPSS(w io.Writer, csvFile string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "* ateval anonymised export, %s layout, made on %s under data sharing agreement %d.\n", c.Layout, c.MadeOn, c.Agreement.ID)
	fmt.Fprintf(&b, "* Reads %s, from the working directory: numbers as numbers, categories\n", csvFile)
	b.WriteString("* labelled, the reason a value is missing in VARIABLE_missing. The codebook\n* (.codebook.md) describes every variable.\n")
	fmt.Fprintf(&b, "GET DATA\n  /TYPE=TXT\n  /FILE=%s\n  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n  /DELCASE=LINE\n  /FIRSTCASE=2\n  /DELIMITERS=','\n  /QUALIFIER='\"'\n  /VARIABLES=\n",
		spssString(csvFile, 250))
	for _, col := range c.Columns {
		fmt.Fprintf(&b, "    %s %s\n", col.Name, col.spssFormat())
	}
	b.WriteString(".\nVARIABLE LABELS\n")
	for i, col := range c.Columns {
		sep := "  /"
		if i == 0 {
			sep = "  "
		}
		fmt.Fprintf(&b, "%s%s %s\n", sep, col.Name, spssString(col.Label, 250))
	}
	b.WriteString(".\n")
	first := true
	for _, col := range c.Columns {
		if col.Type != "category" || len(col.Levels) == 0 {
			continue
		}
		if first {
			b.WriteString("VALUE LABELS\n  ")
			first = false
		} else {
			b.WriteString("  /")
		}
		b.WriteString(col.Name)
		for _, l := range col.Levels {
			code := l.Code
			if !col.isNumber() {
				code = spssString(l.Code, 250)
			}
			fmt.Fprintf(&b, "\n    %s %s", code, spssString(l.Label, 120))
		}
		b.WriteString("\n")
	}
	if !first {
		b.WriteString(".\n")
	}
	// A blank text category (no reason given, a column that does not
	// apply) is missing, as a blank number is.
	var blank []string
	for _, col := range c.Columns {
		if col.Type == "category" && !col.isNumber() {
			blank = append(blank, col.Name)
		}
	}
	if len(blank) > 0 {
		fmt.Fprintf(&b, "MISSING VALUES\n  %s ('').\n", strings.Join(blank, "\n  "))
	}
	b.WriteString("EXECUTE.\n")
	_, err := io.WriteString(w, b.String())
	return err
}
