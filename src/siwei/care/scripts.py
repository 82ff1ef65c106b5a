"""Call scripts of the follow-up kinds (CR-1): what the agent says and asks, shown on the
task page. Each script is a list of steps (translated at display time)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import FollowUpKind as K

_GREETING = _("Greet the customer by name, say who you are and which store you call from, "
              "and ask whether now is a good time to talk.")
_CLOSING = _("Thank the customer, repeat anything you promised and when it will happen, "
             "and give the store's service line.")

SCRIPTS: dict[str, list] = {
    K.SALE_THANKS: [
        _("Send the thank-you message (or letter) within 24 hours of delivery: thank the "
          "customer for choosing us, name the consultant and the service line."),
        _("Mention the first maintenance and that the customer may call any time."),
    ],
    K.SALE_FIRST_CALL: [
        _GREETING,
        _("Thank the customer for the purchase on behalf of the store."),
        _("Ask how the car feels and whether any function is unclear (infotainment, "
          "driver assistance, charging)."),
        _("Ask how the consultant and the store did during the purchase and the delivery."),
        _("Ask whether there is anything to complain about; note it word for word."),
        _("Offer help with the registration (plates, licence) if it is not finished."),
        _("Ask the questionnaire's questions and record the answers."),
        _CLOSING,
    ],
    K.SALE_SECOND_CALL: [
        _GREETING,
        _("Ask how the car feels after the first week and whether anything is unclear."),
        _("Remind the customer of the first maintenance (mileage or months) and offer an "
          "appointment."),
        _("Check that the registration is done; offer help if not."),
        _("Ask whether there is anything to complain about; note it word for word."),
        _("Ask the questionnaire's questions and record the answers."),
        _CLOSING,
    ],
    K.SALE_BIMONTHLY: [
        _GREETING,
        _("Ask how the car is used (daily commute, long trips) and whether it runs well."),
        _("Remind the customer of the next maintenance and offer an appointment."),
        _CLOSING,
    ],
    K.BIRTHDAY: [
        _("Wish the customer a happy birthday on behalf of the store (message or visit)."),
        _("Mention the birthday offer if the store has one; do not push a sale."),
    ],
    K.PURCHASE_ANNIVERSARY: [
        _GREETING,
        _("Congratulate the customer on one year with the car and thank them for their "
          "trust."),
        _("Check the mileage, the maintenance due and the insurance renewal date."),
        _CLOSING,
    ],
    K.APPOINTMENT_DAY_BEFORE: [
        _GREETING,
        _("Confirm tomorrow's appointment: time, service advisor, work booked and the "
          "expected duration."),
        _("Ask about anything else to check and remind the customer of the documents "
          "(maintenance booklet, licence)."),
        _("If the customer cannot come, offer another slot."),
    ],
    K.APPOINTMENT_HOUR_BEFORE: [
        _("Remind the customer of the appointment in one hour and give the store address "
          "and parking."),
    ],
    K.SERVICE_CALL: [
        _GREETING,
        _("Thank the customer for the visit and ask how the car runs since the repair."),
        _("Ask whether the work was right the first time and the car was ready on time."),
        _("Ask whether the price was as quoted, how the staff did and whether the car was "
          "clean."),
        _("Ask the questionnaire's questions; a low score or a complaint opens a complaint "
          "automatically."),
        _CLOSING,
    ],
    K.MAINTENANCE_DUE: [
        _GREETING,
        _("Tell the customer the maintenance is due soon (date or mileage) and what it "
          "includes."),
        _("Offer an appointment and book it while on the phone."),
        _CLOSING,
    ],
    K.FIRST_MAINTENANCE: [
        _GREETING,
        _("Explain that the first maintenance is not yet done and why it matters for the "
          "warranty."),
        _("Offer an appointment and book it while on the phone."),
    ],
    K.INSURANCE_EXPIRY: [
        _GREETING,
        _("Tell the customer the insurance expires soon (date) and offer a renewal quote."),
        _("Note the current insurer and whether the customer wants a quote."),
    ],
    K.WARRANTY_ENDING: [
        _GREETING,
        _("Tell the customer the warranty ends soon (date or mileage) and suggest a check "
          "before it ends; mention the extended warranty."),
        _("Offer an appointment."),
    ],
    K.CHURN_WINBACK: [
        _GREETING,
        _("Say we have not seen the customer for a long time and ask why; note the reason "
          "(moved, price, another workshop, bad experience)."),
        _("Offer a maintenance check or the current offer and an appointment."),
    ],
    K.LOST_LEAD_REVISIT: [
        _GREETING,
        _("Ask whether the customer has bought a car; if not, what is still open and "
          "whether they would like a new offer or a test drive."),
        _("Update the lead or close it with the reason."),
    ],
    K.COMPLAINT_CALLBACK: [
        _GREETING,
        _("Refer to the complaint (number and subject) and explain the solution."),
        _("Ask whether the customer is satisfied with the solution; if not, note why."),
        _CLOSING,
    ],
}


def script_for(kind: str) -> list:
    """The steps of the call script of a follow-up kind (a greeting and closing if the
    kind has none)."""
    return SCRIPTS.get(kind) or [_GREETING, _CLOSING]
