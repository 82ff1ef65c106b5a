"""Default permissions of the roles for follow-up tasks."""

_WORK = ["care.view_followup", "care.change_followup"]

ROLE_DEFAULTS = {
    "customer_service": _WORK,
    "sales_manager": _WORK,
    "sales_consultant": _WORK,
    "service_manager": _WORK,
    "service_advisor": ["care.view_followup"],
}
