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
	// ActionExportCodebook records a codebook, disclosure report or the
	// R, Stata or SPSS syntax that reads an export downloaded: it names
	// the agreement, the layout, k and the file's kind.
	ActionExportCodebook = "export_codebook"

	// The practitioner's register.
	ActionUpdateResident    = "update_resident"
	ActionObjectResident    = "record_objection" // an objection to evaluation use
	ActionIssueDevice       = "issue_device"
	ActionUpdateDeviceIssue = "update_device_issue"
	ActionDeniedDeviceIssue = "device_issue_denied" // another borough's or a missing id
	ActionRecordAssessment  = "record_assessment"
	ActionReadAssessment    = "read_assessment"
	ActionCorrectAssessment = "correct_assessment"          // naming the parts changed, never the answers
	ActionAssessmentInError = "assessment_entered_in_error" // taken out of analysis
	ActionWithdrawObjection = "withdraw_objection"          // the objection's date kept with the withdrawal's
	ActionReadDueList       = "read_due_list"
	ActionCreateCategory    = "create_device_category"

	// Administration: accounts and the register of agreements.
	ActionUpdateUser         = "update_user" // the role or borough changed, named in the detail
	ActionDisableUser        = "disable_user"
	ActionEnableUser         = "enable_user"
	ActionIssuePasswordReset = "issue_password_reset" // a one-time link made; never the link
	ActionResetPassword      = "reset_password"       // the link used
	ActionCreateAgreement    = "create_agreement"
	ActionAddAgreementMember = "add_agreement_member"
	ActionSetAgreementMinK   = "set_agreement_min_k"     // the old and new minimum k in the detail
	ActionEndAgreement       = "end_agreement"           // ended early, from the day in the detail
	ActionRecordTrial        = "record_randomised_trial" // a borough's randomised allocation of a category, with its dates
	ActionRemoveTrial        = "remove_randomised_trial" // the trial's borough, category and dates in the detail

	// ActionAccessDenied records a signed-in user refused by their role:
	// at a route (its method and pattern, never a query or a value typed)
	// or in storage (the action the operation would have recorded). The
	// detail names the role, which may have changed since.
	ActionAccessDenied = "access_denied"

	// The hub's keys and bundles, and a borough's bundles (federation).
	ActionTrustKey     = "trust_bundle_key"
	ActionRetireKey    = "retire_bundle_key"
	ActionImportBundle = "import_bundle"
	ActionShareBundle  = "share_bundle"
)

// AuditActions lists every action, in the order the audit log's viewer
// offers them as a filter. TestAuditActionsListsEvery checks that no
// action is left out.
func AuditActions() []string {
	return []string{
		ActionLogin, ActionLoginFailed, ActionLogout,
		ActionListResidents, ActionReadResident, ActionDeniedResident, ActionCreateResident, ActionUpdateResident, ActionObjectResident,
		ActionWithdrawObjection, ActionIssueDevice, ActionUpdateDeviceIssue, ActionDeniedDeviceIssue,
		ActionRecordAssessment, ActionReadAssessment, ActionCorrectAssessment, ActionAssessmentInError, ActionReadDueList,
		ActionAccessDenied,
		ActionCreateUser, ActionUpdateUser, ActionDisableUser, ActionEnableUser, ActionIssuePasswordReset, ActionResetPassword,
		ActionCreateCategory, ActionReadAuditLog,
		ActionCreateAgreement, ActionAddAgreementMember, ActionSetAgreementMinK, ActionEndAgreement, ActionExport, ActionExportCodebook, ActionExportRefused,
		ActionRecordTrial, ActionRemoveTrial,
		ActionShareBundle, ActionTrustKey, ActionRetireKey, ActionImportBundle,
	}
}

// ActionLabel says what an action of the audit log was, in words, for
// the administrator's viewer: "Read a resident's record". An action it
// does not know is shown as it is.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

var actionLabels = map[string]string{
	ActionLogin:              "Signed in",
	ActionLoginFailed:        "Failed to sign in",
	ActionLogout:             "Signed out",
	ActionListResidents:      "Listed residents",
	ActionReadResident:       "Read a resident's record",
	ActionDeniedResident:     "Asked for a resident not in their borough",
	ActionCreateResident:     "Registered a resident",
	ActionUpdateResident:     "Changed a resident's record",
	ActionObjectResident:     "Recorded an objection",
	ActionWithdrawObjection:  "Recorded an objection withdrawn",
	ActionIssueDevice:        "Issued a device",
	ActionUpdateDeviceIssue:  "Updated a device issue",
	ActionDeniedDeviceIssue:  "Asked for a device issue not in their borough",
	ActionRecordAssessment:   "Recorded an assessment",
	ActionReadAssessment:     "Read an assessment",
	ActionCorrectAssessment:  "Corrected an assessment",
	ActionAssessmentInError:  "Took out an assessment entered in error",
	ActionReadDueList:        "Read the due list",
	ActionCreateCategory:     "Added a device category",
	ActionAccessDenied:       "Refused by role",
	ActionCreateUser:         "Added a user",
	ActionUpdateUser:         "Changed a user's role or borough",
	ActionDisableUser:        "Disabled a user",
	ActionEnableUser:         "Enabled a user",
	ActionIssuePasswordReset: "Made a password reset link",
	ActionResetPassword:      "Set a password from a reset link",
	ActionReadAuditLog:       "Read the audit log",
	ActionCreateAgreement:    "Registered a data sharing agreement",
	ActionAddAgreementMember: "Named an evaluator on an agreement",
	ActionSetAgreementMinK:   "Set an agreement's minimum k",
	ActionEndAgreement:       "Ended an agreement early",
	ActionRecordTrial:        "Recorded a randomised trial",
	ActionRemoveTrial:        "Removed a randomised trial",
	ActionExport:             "Exported anonymised data",
	ActionExportRefused:      "Was refused an export",
	ActionShareBundle:        "Made a borough's evidence bundle",
	ActionTrustKey:           "Trusted a borough's key",
	ActionRetireKey:          "Retired a borough's key",
	ActionImportBundle:       "Imported a borough's evidence bundle",
	ActionExportCodebook:     "Downloaded an export's codebook or the files that read it",
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
