package reports

import "strings"

// spelt turns an identifier into words: "gps-location" → "gps location".
func spelt(id string) string {
	return strings.NewReplacer("-", " ", "_", " ").Replace(id)
}

// BoroughName names a borough from its slug: the name the installation
// gives it, or else its slug spelt out as London's boroughs are written
// ("kingston-upon-thames" → "Kingston upon Thames", "city-of-london" →
// "City of London"). A label that is not a slug ("Other boroughs of Local
// London (2)") is returned as it is.
func (r *Report) BoroughName(slug string) string {
	if n, ok := r.names[slug]; ok && n != "" {
		return n
	}
	return BoroughName(slug)
}

// BoroughName spells a borough's slug out as a name (see
// Report.BoroughName, which prefers the installation's own names).
func BoroughName(slug string) string {
	if slug == "" || strings.ContainsAny(slug, " ()") {
		return slug
	}
	words := strings.Split(slug, "-")
	for i, w := range words {
		switch {
		case i > 0 && (w == "upon" || w == "and" || w == "of" || w == "the" || w == "on"):
		case w != "":
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
