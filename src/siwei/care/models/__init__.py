"""Customer care (信息反馈): follow-ups, surveys, complaints, campaigns, messages."""

from .campaigns import (
                        Campaign,
                        CampaignStatus,
                        InboundMessage,
                        Message,
                        MessageChannel,
                        MessageStatus,
                        Segment,
                        SkipReason,
)
from .feedback import (
                        ActionKind,
                        ClassifierTerm,
                        Department,
                        Feedback,
                        FeedbackAction,
                        FeedbackCategory,
                        FeedbackChannel,
                        FeedbackEvent,
                        FeedbackKind,
                        FeedbackStatus,
                        Severity,
)
from .followups import (
                        AttemptOutcome,
                        FollowUp,
                        FollowUpAttempt,
                        FollowUpChannel,
                        FollowUpKind,
                        FollowUpStatus,
)
from .insurance import InsuranceRenewal
from .settings import CareSettings, care_settings
from .surveys import Answer, AnswerType, Measure, Question, Questionnaire, SurveyResponse

__all__ = [
    "ActionKind", "Answer", "AnswerType", "AttemptOutcome", "Campaign", "CampaignStatus",
    "CareSettings", "ClassifierTerm", "Department", "Feedback", "FeedbackAction",
    "FeedbackCategory", "FeedbackChannel", "FeedbackEvent", "FeedbackKind", "FeedbackStatus",
    "FollowUp", "FollowUpAttempt", "FollowUpChannel", "FollowUpKind", "FollowUpStatus",
    "InboundMessage", "InsuranceRenewal", "Measure", "Message", "MessageChannel",
    "MessageStatus", "Question",
    "Questionnaire", "Segment", "Severity", "SkipReason", "SurveyResponse", "care_settings",
]
