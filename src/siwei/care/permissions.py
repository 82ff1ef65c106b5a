"""Default permissions of the roles in customer care (CR-1 … CR-12)."""

_CALLS = ["care.view_followup", "care.change_followup", "care.add_followupattempt"]
_FEEDBACK = ["care.view_feedback", "care.add_feedback", "care.change_feedback"]
_RESULTS = ["care.view_surveyresponse"]
_MANAGER = [*_CALLS, *_FEEDBACK, *_RESULTS, "care.supervise_followup", "care.analyse_feedback",
            "care.add_feedbackaction", "care.change_feedbackaction"]
_MARKETING = ["care.view_segment", "care.add_segment", "care.change_segment",
              "care.view_campaign", "care.add_campaign", "care.change_campaign",
              "care.send_campaign", "care.view_message"]

_RENEWALS = ["care.view_insurancerenewal", "care.add_insurancerenewal"]

ROLE_DEFAULTS = {
    "customer_service": [*_CALLS, *_FEEDBACK, *_RESULTS, *_MARKETING, *_RENEWALS,
                         "care.view_questionnaire"],
    "sales_manager": [*_MANAGER, "care.view_segment", "care.view_campaign",
                      "care.view_insurancerenewal"],
    "sales_consultant": [*_CALLS, "care.add_feedback"],
    "service_manager": [*_MANAGER, *_RENEWALS, "care.view_segment", "care.view_campaign"],
    "service_advisor": ["care.view_followup", "care.change_followup", "care.add_feedback"],
    "receptionist": ["care.add_feedback"],
    "store_manager": [*_MANAGER, *_MARKETING, "care.view_questionnaire",
                      "care.change_questionnaire", "care.add_questionnaire",
                      "care.change_caresettings", "care.view_caresettings"],
    "parts_manager": ["care.view_feedback", "care.change_feedback"],
}
