package devices

// Labels name each code as people say it. They are the one place pages,
// PDFs and codebooks take a code's words from; the codes themselves stay
// what files and the API exchange. An unknown code is shown as it is, so
// that nothing stored is ever hidden.

// Label is the sex as a form offers it: "Female", "Not stated".
func (s Sex) Label() string {
	switch s {
	case Female:
		return "Female"
	case Male:
		return "Male"
	case SexOther:
		return "Other"
	case SexNotStated:
		return "Not stated"
	}
	return string(s)
}

// Label is the ethnic group in the words of the 2021 Census's high-level
// categories.
func (e EthnicGroup) Label() string {
	switch e {
	case EthnicAsian:
		return "Asian or Asian British"
	case EthnicBlack:
		return "Black, Black British, Caribbean or African"
	case EthnicMixed:
		return "Mixed or multiple ethnic groups"
	case EthnicWhite:
		return "White"
	case EthnicOther:
		return "Other ethnic group"
	case EthnicNotStated:
		return "Not stated"
	}
	return string(e)
}

// Label is the primary support reason in the words of the adult social
// care client level data return.
func (r SupportReason) Label() string {
	switch r {
	case SupportPhysical:
		return "Physical support"
	case SupportSensory:
		return "Sensory support"
	case SupportMemoryCognition:
		return "Support with memory and cognition"
	case SupportLearningDisability:
		return "Learning disability support"
	case SupportMentalHealth:
		return "Mental health support"
	case SupportSocial:
		return "Social support"
	case SupportNone:
		return "No support reason"
	}
	return string(r)
}

// Label is the evaluation group; the empty group is "Not enrolled".
func (g Group) Label() string {
	switch g {
	case Intervention:
		return "Intervention"
	case Comparison:
		return "Comparison"
	case "":
		return "Not enrolled"
	}
	return string(g)
}

// Label is why a device came back, as a practitioner would say it.
func (r RemovalReason) Label() string {
	switch r {
	case RemovedNoLongerNeeded:
		return "No longer needed"
	case RemovedAbandoned:
		return "Abandoned or not used"
	case RemovedFaulty:
		return "Faulty"
	case RemovedMoved:
		return "Resident moved"
	case RemovedResidentialCare:
		return "Entered residential care"
	case RemovedDied:
		return "Died"
	case RemovedOther:
		return "Other"
	}
	return string(r)
}

// Status is where a device issue stands: with the resident but not yet
// installed, installed and in use, or returned. Pages show StatusLabel.
type Status string

// The statuses of a device issue.
const (
	StatusNotInstalled Status = "not_installed"
	StatusInUse        Status = "in_use"
	StatusReturned     Status = "returned"
)

// Status says where the issue stands.
func (di DeviceIssue) Status() Status {
	switch {
	case !di.RemovedOn.IsZero():
		return StatusReturned
	case di.InstalledOn.IsZero():
		return StatusNotInstalled
	}
	return StatusInUse
}

// Label is the status in words: "Issued, not installed", "In use",
// "Returned".
func (s Status) Label() string {
	switch s {
	case StatusNotInstalled:
		return "Issued, not installed"
	case StatusInUse:
		return "In use"
	case StatusReturned:
		return "Returned"
	}
	return string(s)
}
