"""Questionnaires and answers (CR-4): CSI on a 100 scale, NPS, loyalty items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class AnswerType(models.TextChoices):
    SCALE_5 = "scale_5", _("Scale 1–5")
    NPS = "nps", _("0–10 (recommend)")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Text")


class Measure(models.TextChoices):
    """What a question feeds: the CSI average, the NPS, or one of the loyalty items."""

    NONE = "", _("Nothing")
    SATISFACTION = "satisfaction", _("Satisfaction (CSI)")
    NPS = "nps", _("Net promoter score")
    BUY_AGAIN = "buy_again", _("Would buy the brand again")
    RECOMMEND = "recommend", _("Would recommend")
    OTHER_BRANDS = "other_brands", _("Considered other brands")
    TELL_US_FIRST = "tell_us_first", _("Would tell us before complaining elsewhere")


class Questionnaire(models.Model):
    """A group's questionnaire; ``kinds`` lists the follow-up kinds it is asked in."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kinds = models.JSONField(_("follow-up kinds"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["group", "code"],
                                               name="care_questionnaire_code")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=200)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(StoreOwnedModel):
    """The answers of one follow-up; the staff it rates are copied from the source
    document so results per consultant, SA and technician need no joins back."""

    follow_up = models.OneToOneField("care.FollowUp", on_delete=models.PROTECT,
                                     related_name="response")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, related_name="+")
    consultant = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("sales consultant"))
    advisor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("service advisor"))
    technician = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("technician"))
    csi = models.DecimalField(_("CSI"), max_digits=5, decimal_places=2, null=True, blank=True)
    nps_score = models.PositiveSmallIntegerField(_("recommend score (0–10)"), null=True,
                                                 blank=True)
    answered_at = models.DateTimeField(_("answered"))
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-id"]
        indexes = [models.Index(fields=["store", "answered_at"], name="care_resp_store_at")]


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    number = models.SmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"],
                                               name="care_answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number if self.number is not None else self.text}"
