// Package devices holds the practitioner's register: residents and their
// identifiers, enrolment in the evaluation, the device catalogue and the
// devices issued to residents, with the rules each must keep.
//
// It imports only the standard library and the root ateval package: no
// database and no HTTP code.
package devices
