package server

import (
	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

// practitionerRoutes registers the practitioner's register: residents,
// device issues, assessments, the timeline, the due list and the device
// catalogue, as pages and as the JSON API. Which residents a user may
// touch is decided in storage; these guards only say which roles may try.
func (s *Server) practitionerRoutes(pages, api *gin.RouterGroup) {
	local := s.requireRole(ateval.RolePractitioner, ateval.RoleBoroughLead)
	anyone := s.requireRole(ateval.Roles()...)
	admin := s.requireRole(ateval.RoleAdmin)

	pages.GET("/residents/new", local, s.handle(s.newResidentPage))
	pages.POST("/residents", local, s.handle(s.createResidentForm))
	pages.GET("/residents/:id/edit", local, s.handle(s.editResidentPage))
	pages.POST("/residents/:id", local, s.handle(s.updateResidentForm))
	pages.GET("/residents/:id/objection/withdrawal", local, s.handle(s.withdrawalPage))
	pages.POST("/residents/:id/objection/withdrawal", local, s.handle(s.withdrawObjectionForm))
	pages.GET("/residents/:id/device-issues/new", local, s.handle(s.newIssuePage))
	pages.POST("/residents/:id/device-issues", local, s.handle(s.issueDeviceForm))
	pages.GET("/device-issues/:id", local, s.handle(s.deviceIssuePage))
	pages.POST("/device-issues/:id", local, s.handle(s.updateIssueForm))
	pages.GET("/residents/:id/assessments/new", local, s.handle(s.newAssessmentPage))
	pages.POST("/residents/:id/assessments", local, s.handle(s.recordAssessmentForm))
	pages.GET("/assessments/:id", local, s.handle(s.assessmentPage))
	pages.GET("/assessments/:id/correction", local, s.handle(s.correctionPage))
	pages.POST("/assessments/:id/correction", local, s.handle(s.correctAssessmentForm))
	pages.GET("/assessments/:id/entered-in-error", local, s.handle(s.enteredInErrorPage))
	pages.POST("/assessments/:id/entered-in-error", local, s.handle(s.enteredInErrorForm))
	pages.GET("/due", local, s.handle(s.duePage))
	pages.GET("/devices", anyone, s.handle(s.cataloguePage))
	pages.POST("/devices/categories", admin, s.handle(s.createCategoryForm))

	api.POST("/residents", local, s.handle(s.apiCreateResident))
	api.PATCH("/residents/:id", local, s.handle(s.apiUpdateResident))
	api.GET("/residents/:id/device-issues", local, s.handle(s.apiDeviceIssues))
	api.POST("/residents/:id/device-issues", local, s.handle(s.apiIssueDevice))
	api.PATCH("/device-issues/:id", local, s.handle(s.apiUpdateDeviceIssue))
	api.GET("/residents/:id/assessments", local, s.handle(s.apiAssessments))
	api.POST("/residents/:id/assessments", local, s.handle(s.apiRecordAssessment))
	api.GET("/assessments/:id", local, s.handle(s.apiAssessment))
	api.PATCH("/assessments/:id", local, s.handle(s.apiPatchAssessment))
	api.GET("/due", local, s.handle(s.apiDue))
	api.GET("/framework", anyone, s.handle(s.apiFramework))
	api.GET("/devices", anyone, s.handle(s.apiDevices))
	api.POST("/device-categories", admin, s.handle(s.apiCreateCategory))
}
