package ateval

import "time"

// Audit actions. The audit log records who did what, when and from where,
// by ids and these names only: never a resident's name, NHS number or
// other identifier, so that the log itself holds no personal data about
// residents.
const (
	ActionLogin          = "login"
	ActionLoginFailed    = "login_failed"
	ActionLogout         = "logout"
	ActionListResidents  = "list_residents"
	ActionReadResident   = "read_resident"
	ActionDeniedResident = "read_resident_denied" // an id outside the user's borough, or none
	ActionCreateResident = "create_resident"
	ActionCreateUser     = "create_user"
	ActionReadAuditLog   = "read_audit_log"
	ActionExport         = "export"
	ActionExportRefused  = "export_refused" // with the agreement and the reason, never a resident

	// The practitioner's register.
	ActionUpdateResident    = "update_resident"
	ActionObjectResident    = "record_objection" // an objection to evaluation use
	ActionIssueDevice       = "issue_device"
	ActionUpdateDeviceIssue = "update_device_issue"
	ActionDeniedDeviceIssue = "device_issue_denied" // another borough's or a missing id
	ActionRecordAssessment  = "record_assessment"
	ActionReadDueList       = "read_due_list"
	ActionCreateCategory    = "create_device_category"

	// ActionAccessDenied records a signed-in user refused by their role:
	// at a route (its method and pattern, never a query or a value typed)
	// or in storage (the action the operation would have recorded). The
	// detail names the role, which may have changed since.
	ActionAccessDenied = "access_denied"
)

// AuditActions lists every action, in the order the audit log's viewer
// offers them as a filter. TestAuditActionsListsEvery checks that no
// action is left out.
func AuditActions() []string {
	return []string{
		ActionLogin, ActionLoginFailed, ActionLogout,
		ActionListResidents, ActionReadResident, ActionDeniedResident, ActionCreateResident, ActionUpdateResident, ActionObjectResident,
		ActionIssueDevice, ActionUpdateDeviceIssue, ActionDeniedDeviceIssue, ActionRecordAssessment, ActionReadDueList,
		ActionAccessDenied,
		ActionCreateUser, ActionCreateCategory, ActionReadAuditLog, ActionExport, ActionExportRefused,
	}
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	UserEmail  string    `json:"user_email"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   int64     `json:"object_id,omitempty"`
	ResidentID int64     `json:"resident_id,omitempty"`
	BoroughID  int64     `json:"borough_id,omitempty"`
	RemoteAddr string    `json:"remote_addr,omitempty"`
	// Detail is a short, fixed-vocabulary note ("3 results"), never input
	// typed by a user.
	Detail string `json:"detail,omitempty"`
}
