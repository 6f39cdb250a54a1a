package sampledata

import (
	"fmt"
	"math/rand/v2"

	"github.com/ateval/ateval/devices"
)

// Names are common given and family names, drawn independently, so no
// combination is meant to be a real person.
var (
	givenNames = map[devices.EthnicGroup][2][]string{ // [female, male]
		devices.EthnicWhite: {
			{"Margaret", "Patricia", "Jean", "Barbara", "Sheila", "Maureen", "Eileen", "Doreen", "Joan", "Irene", "Brenda", "Sylvia"},
			{"John", "David", "Michael", "Peter", "Brian", "Kenneth", "Ronald", "Derek", "Terence", "Alan", "Colin", "Patrick"}},
		devices.EthnicAsian: {
			{"Amina", "Priya", "Shirin", "Kamala", "Rukhsana", "Sunita", "Nasreen", "Jaswinder", "Meena", "Fatema", "Lakshmi", "Rehana"},
			{"Mohammed", "Rajesh", "Abdul", "Harjit", "Anil", "Tariq", "Suresh", "Shamsul", "Vijay", "Iqbal", "Gurdev", "Ashok"}},
		devices.EthnicBlack: {
			{"Grace", "Comfort", "Beatrice", "Hyacinth", "Gloria", "Adwoa", "Cynthia", "Joyce", "Patience", "Merle", "Esther", "Monica"},
			{"Samuel", "Winston", "Emmanuel", "Clement", "Kwame", "Delroy", "Joseph", "Olu", "Lloyd", "Festus", "Cyril", "Desmond"}},
		devices.EthnicOther: {
			{"Maria", "Elena", "Fatima", "Leyla", "Ana", "Zeynep", "Rosa", "Mei", "Yasmin", "Irina", "Sofia", "Nadia"},
			{"Jose", "Ali", "Mehmet", "Carlos", "Yusuf", "Andrzej", "Wei", "Hassan", "Luis", "Nikos", "Omar", "Pavel"}},
	}
	familyNames = map[devices.EthnicGroup][]string{
		devices.EthnicWhite: {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Walker", "Wright", "Hughes", "Murphy", "Kelly", "Green", "Hall", "Clarke"},
		devices.EthnicAsian: {"Khan", "Patel", "Begum", "Ahmed", "Singh", "Hussain", "Ali", "Shah", "Islam", "Kaur", "Sharma", "Rahman", "Miah", "Chowdhury", "Gill", "Mistry"},
		devices.EthnicBlack: {"Mensah", "Okafor", "Campbell", "Adeyemi", "Johnson", "Boateng", "Francis", "Osei", "Richards", "Bailey", "Okonkwo", "Grant", "Reid", "Asante", "Henry", "Bello"},
		devices.EthnicOther: {"Silva", "Yilmaz", "Kowalski", "Garcia", "Chen", "Nowak", "Demir", "Santos", "Wang", "Rossi", "Papadopoulos", "Ivanova", "Haddad", "Lopez", "Nguyen", "Kaya"},
	}
	// Streets are composed from two short lists, so an address is not a
	// real one: the house number, street and postcode are drawn apart.
	streetStems = []string{"Alder", "Beech", "Chestnut", "Damson", "Elm", "Fernlea", "Glebe", "Hawthorn", "Juniper", "Laurel", "Maple", "Nightingale", "Orchard", "Primrose", "Rowan", "Sorrel", "Tamarisk", "Willow", "Yew Tree", "Linden"}
	streetKinds = []string{"Road", "Street", "Gardens", "Close", "Court", "Avenue", "Lane", "House", "Walk", "Crescent"}
)

// inwardLetters are the letters a postcode's inward code may use.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// nameFor draws a name plausible for the ethnic group; mixed and not
// stated draw from all lists.
func nameFor(r *rand.Rand, sex devices.Sex, eg devices.EthnicGroup) (given, family string) {
	groups := []devices.EthnicGroup{devices.EthnicWhite, devices.EthnicAsian, devices.EthnicBlack, devices.EthnicOther}
	g := eg
	if _, ok := givenNames[g]; !ok {
		g = pick(r, groups)
	}
	s := 0
	switch sex {
	case devices.Male:
		s = 1
	case devices.Female:
	default:
		s = r.IntN(2)
	}
	given = pick(r, givenNames[g][s])
	f := g
	if eg == devices.EthnicMixed || r.IntN(10) == 0 {
		f = pick(r, groups)
	}
	return given, pick(r, familyNames[f])
}

// addressFor draws a fictional address and a postcode with a real outward
// code of the borough and an invented inward code.
func addressFor(r *rand.Rand, b *boroughSpec) (address, postcode string) {
	n := 1 + r.IntN(180)
	street := pick(r, streetStems) + " " + pick(r, streetKinds)
	address = fmt.Sprintf("%d %s, London", n, street)
	if r.IntN(5) == 0 {
		address = fmt.Sprintf("Flat %d, %d %s, London", 1+r.IntN(40), n, street)
	}
	postcode = fmt.Sprintf("%s %d%c%c", pick(r, b.outward), r.IntN(10), inwardLetters[r.IntN(len(inwardLetters))], inwardLetters[r.IntN(len(inwardLetters))])
	return address, postcode
}

// nhsNumbers hands out unique NHS numbers in the 999 test range, each with
// a valid modulus 11 check digit.
type nhsNumbers struct{ used map[int]bool }

// maxNHSNumbers bounds how many residents one dataset may hold: the 999
// range has a million bodies, about a tenth of which have no check digit,
// and drawing stays fast while most remain free.
const maxNHSNumbers = 500_000

func (n *nhsNumbers) next(r *rand.Rand) string {
	for {
		body := r.IntN(1_000_000)
		if n.used[body] {
			continue
		}
		digits := fmt.Sprintf("999%06d", body)
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(digits[i]-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check == 10 {
			continue
		}
		n.used[body] = true
		return fmt.Sprintf("%s%d", digits, check)
	}
}
