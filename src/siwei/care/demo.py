"""Demo data of customer care, built after sales and service history: the calls and
surveys of two years, complaints, reminders, segments and campaigns."""

from .demo_campaigns import build_campaigns
from .demo_feedback import build_feedback
from .demo_followups import build_followups
from .demo_reminders import build_reminders

build_followups.order = 40
build_feedback.order = 41
build_reminders.order = 42
build_campaigns.order = 43

DEMO_STEPS = [build_followups, build_feedback, build_reminders, build_campaigns]
