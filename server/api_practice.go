package server

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// residentCreate is the body of POST /api/v1/residents: the resident's
// fields, and their identifiers apart. A borough id is not taken: a
// resident is registered in the caller's borough.
type residentCreate struct {
	Reference            string                `json:"reference"`
	YearOfBirth          int                   `json:"year_of_birth"`
	Sex                  devices.Sex           `json:"sex"`
	EthnicGroup          devices.EthnicGroup   `json:"ethnic_group"`
	LivingAlone          bool                  `json:"living_alone"`
	PrimarySupportReason devices.SupportReason `json:"primary_support_reason"`
	RegisteredOn         ateval.Date           `json:"registered_on"`
	Group                devices.Group         `json:"group"`
	EnrolledOn           ateval.Date           `json:"enrolled_on"`
	Identity             *devices.Identity     `json:"identity"`
}

// apiCreateResident registers a resident in the caller's borough.
func (s *Server) apiCreateResident(c *gin.Context) error {
	var in residentCreate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r := devices.Resident{Reference: in.Reference, YearOfBirth: in.YearOfBirth, Sex: in.Sex, EthnicGroup: in.EthnicGroup, LivingAlone: in.LivingAlone,
		PrimarySupportReason: in.PrimarySupportReason, RegisteredOn: in.RegisteredOn, Group: in.Group, EnrolledOn: in.EnrolledOn}
	if err := s.db.CreateResident(c.Request.Context(), &r, in.Identity); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"resident": r, "identity": in.Identity})
	return nil
}

// apiUpdateResident changes, enrols or records an objection for a resident.
func (s *Server) apiUpdateResident(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	var p devices.ResidentPatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	r, err := s.db.UpdateResident(c.Request.Context(), id, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"resident": r})
	return nil
}

// apiDeviceIssues lists a resident's device issues with their reviews.
func (s *Server) apiDeviceIssues(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	tl, err := s.db.ResidentTimeline(c.Request.Context(), s.framework(), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"device_issues": tl.DeviceIssues})
	return nil
}

// issueCreate is the body of POST /api/v1/residents/{id}/device-issues.
// IssuedBy names the member of staff who issued the device, by email or
// account id; the caller if left out.
type issueCreate struct {
	DeviceID    int64       `json:"device_id"`
	IssuedOn    ateval.Date `json:"issued_on"`
	InstalledOn ateval.Date `json:"installed_on"`
	AssetTag    string      `json:"asset_tag"`
	IssuedBy    staffRef    `json:"issued_by"`
	Need        string      `json:"need"`
}

// apiIssueDevice issues a device to a resident. With an Idempotency-Key
// header, a repeat of the call (a retry after a lost answer, a double
// send) stores nothing and answers the issue the first stored, with
// Idempotent-Replayed: true; the same key with another issue is 409.
func (s *Server) apiIssueDevice(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	var in issueCreate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	di := devices.DeviceIssue{DeviceID: in.DeviceID, IssuedOn: in.IssuedOn, InstalledOn: in.InstalledOn, AssetTag: in.AssetTag,
		IssuedByID: in.IssuedBy.ID, IssuedBy: in.IssuedBy.Email, Need: in.Need}
	repeated, err := s.db.IssueDeviceOnce(c.Request.Context(), id, c.GetHeader("Idempotency-Key"), &di)
	if err != nil {
		return err
	}
	if repeated {
		c.Header("Idempotent-Replayed", "true")
	}
	c.JSON(http.StatusCreated, gin.H{"device_issue": di})
	return nil
}

// apiUpdateDeviceIssue installs, reviews or removes a device issue.
func (s *Server) apiUpdateDeviceIssue(c *gin.Context) error {
	id, err := issueIDParam(c)
	if err != nil {
		return err
	}
	var p devices.DeviceIssuePatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	di, err := s.db.UpdateDeviceIssue(c.Request.Context(), id, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"device_issue": di})
	return nil
}

// apiAssessments lists a resident's assessments with scores, and their
// schedule; or, asked for application/fhir+json, the assessments as a
// FHIR R4 searchset Bundle of QuestionnaireResponses.
func (s *Server) apiAssessments(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	tl, err := s.db.ResidentTimeline(c.Request.Context(), s.framework(), id)
	if err != nil {
		return err
	}
	if tl.Assessments == nil {
		tl.Assessments = []forms.Assessment{}
	}
	if wantsFHIR(c) {
		b, err := s.framework().ResponseBundle(tl.Assessments)
		if err != nil {
			return err
		}
		c.Render(http.StatusOK, fhirJSON{b})
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"assessments": tl.Assessments, "schedule": tl.Schedule})
	return nil
}

// fhirMediaType is FHIR's JSON media type (R4, http.html#mime).
const fhirMediaType = "application/fhir+json"

// wantsFHIR reports whether the request asks for FHIR's JSON before
// plain JSON.
func wantsFHIR(c *gin.Context) bool {
	return c.NegotiateFormat(gin.MIMEJSON, fhirMediaType) == fhirMediaType
}

// fhirJSON renders a FHIR resource as application/fhir+json.
type fhirJSON struct{ v any }

func (r fhirJSON) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	return json.NewEncoder(w).Encode(r.v)
}

func (r fhirJSON) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", fhirMediaType+"; charset=utf-8")
}

// assessmentCreate is the body of POST /api/v1/residents/{id}/assessments.
type assessmentCreate struct {
	Instrument string           `json:"instrument"`
	Timepoint  forms.Timepoint  `json:"timepoint"`
	AssessedOn ateval.Date      `json:"assessed_on"`
	Respondent forms.Respondent `json:"respondent"`
	Answers    []forms.Answer   `json:"answers"`
}

// apiRecordAssessment validates, scores and stores an assessment; an
// invalid one answers 422 with one entry in fields per bad item.
func (s *Server) apiRecordAssessment(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	var in assessmentCreate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a := forms.Assessment{ResidentID: id, Instrument: in.Instrument, Timepoint: in.Timepoint, AssessedOn: in.AssessedOn, Respondent: in.Respondent, Answers: in.Answers}
	if err := s.db.RecordAssessment(c.Request.Context(), s.framework(), &a); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"assessment": a})
	return nil
}

// apiFramework answers the evaluation framework: instruments with their
// items, levels, skip and scoring rules, and the schedule.
func (s *Server) apiFramework(c *gin.Context) error {
	c.JSON(http.StatusOK, s.framework())
	return nil
}

// apiDevices answers the shared catalogue with per-borough usage.
func (s *Server) apiDevices(c *gin.Context) error {
	entries, err := s.db.Catalogue(c.Request.Context())
	if err != nil {
		return err
	}
	cats, err := s.db.View(c.Request.Context()).Categories()
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"devices": entries, "categories": cats})
	return nil
}

// apiCreateCategory adds a device category (administrators).
func (s *Server) apiCreateCategory(c *gin.Context) error {
	var cat devices.Category
	if err := decodeJSON(c, &cat); err != nil {
		return err
	}
	if err := s.db.CreateCategory(c.Request.Context(), &cat); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"category": cat})
	return nil
}
